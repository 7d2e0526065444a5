package mindlytics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	testKey     = "sk-test-0123456789abcdef"
	testProject = "proj-42"
)

// request is one request as it arrived at the fake service.
type request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// fakeService is an httptest server that records every request and answers
// with handler (200 and no body when handler is nil).
type fakeService struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newFakeService(t *testing.T, handler http.HandlerFunc) *fakeService {
	t.Helper()
	fs := &fakeService{}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fs.mu.Lock()
		fs.requests = append(fs.requests, request{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body,
		})
		fs.mu.Unlock()
		if handler != nil {
			handler(w, r)
		}
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeService) Requests() []request {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]request(nil), fs.requests...)
}

// only returns the single request the service received.
func (fs *fakeService) only(t *testing.T) request {
	t.Helper()
	reqs := fs.Requests()
	require.Len(t, reqs, 1)
	return reqs[0]
}

// newTestClient builds a client for fs with the test credentials, ignoring
// the environment.
func newTestClient(t *testing.T, fs *fakeService, opts ...ClientOption) *Client {
	t.Helper()
	clearEnv(t)
	base := []ClientOption{WithAPIKey(testKey), WithProjectID(testProject), WithServerBase(fs.URL)}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func clearEnv(t *testing.T) {
	t.Helper()
	for _, env := range []string{envAPIKey, envProjectID, envServerBase} {
		t.Setenv(env, "")
	}
}

// answer returns a handler writing status, headers and body.
func answer(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}
