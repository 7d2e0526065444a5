package mindlyticstest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// memStore is a Store in memory that can be told to fail.
type memStore struct {
	mu      sync.Mutex
	batches []mindlyticstest.Batch
	fail    error
	ctxVals []any
}

type ctxKey struct{}

func (m *memStore) Load() ([]mindlyticstest.Batch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mindlyticstest.Batch(nil), m.batches...), nil
}

func (m *memStore) Append(ctx context.Context, b mindlyticstest.Batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.batches = append(m.batches, b)
	m.ctxVals = append(m.ctxVals, ctx.Value(ctxKey{}))
	return nil
}

func TestStoreKeepsAndReplays(t *testing.T) {
	t.Parallel()
	st := &memStore{}
	h := newHarness(t, mindlyticstest.WithStore(st))
	h.postEvents(startSession(t, "a", 0), track(t, "a", 1, "A1"))
	h.postEvents(endSession(t, "a", 2))
	require.Len(t, st.batches, 2)
	assert.Len(t, st.batches[0].Events, 2)
	assert.False(t, st.batches[0].Accepted.IsZero())
	h.srv.Close()

	again := newHarness(t, mindlyticstest.WithStore(st))
	assert.Len(t, again.srv.Events(), 3)
	require.Len(t, again.srv.Sessions(), 1)
	assert.True(t, again.srv.Sessions()[0].Ended)
	assert.Empty(t, again.srv.Violations())
	// What comes next is checked against what was replayed.
	again.postEvents(track(t, "a", 3, "late"))
	assert.Len(t, again.srv.Violations(), 1)
	assert.Len(t, st.batches, 3)
}

func TestStoreFailureAnswers503(t *testing.T) {
	t.Parallel()
	st := &memStore{fail: errors.New("disk full")}
	h := newHarness(t, mindlyticstest.WithStore(st))
	status, err := h.tryPost(startSession(t, "a", 0))
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Empty(t, h.srv.Events())
	r := h.post("/bc/v1/events/event/start-session", startSession(t, "a", 0))
	assert.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Empty(t, h.srv.Sessions())
}

func TestStoreSeesRequestContext(t *testing.T) {
	t.Parallel()
	st := &memStore{}
	srv := mindlyticstest.NewServer(mindlyticstest.WithStore(st))
	defer srv.Close()
	req := (&harness{t: t, srv: srv}).request(http.MethodPost, "/bc/v1/events/queue", mustJSON(t, []any{startSession(t, "a", 0)}))
	req = req.WithContext(context.WithValue(req.Context(), ctxKey{}, "origin"))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, []any{"origin"}, st.ctxVals)
}

func TestWithHandler(t *testing.T) {
	t.Parallel()
	h := newHarness(t, mindlyticstest.WithHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "page "+r.URL.Path)
	})))
	resp, err := h.hc.Get(h.srv.URL + "/ui/")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, "page /ui/", string(body))
	assert.Empty(t, h.srv.Requests(), "the handler's requests are not recorded")

	// The contract's paths still need credentials.
	resp, err = h.hc.Post(h.srv.URL+"/bc/v1/events/queue", "application/json", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}
