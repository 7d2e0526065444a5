package genaitest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reads records, byte for byte, what a client reads of each response body,
// for the helpers' tests that the caller's view is unchanged.
type Reads struct {
	mu     sync.Mutex
	bodies []*bytes.Buffer
}

// Record tees res's body into a new record; call it where the client's
// responses pass (a middleware or a RoundTripper outside the helper).
func (r *Reads) Record(res *http.Response) {
	if res == nil || res.Body == nil {
		return
	}
	buf := &bytes.Buffer{}
	r.mu.Lock()
	r.bodies = append(r.bodies, buf)
	r.mu.Unlock()
	res.Body = teeCloser{Reader: io.TeeReader(res.Body, lockedWriter{r, buf}), Closer: res.Body}
}

// All returns what was read of each body, in the order of the responses.
func (r *Reads) All() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.bodies))
	for i, b := range r.bodies {
		out[i] = b.String()
	}
	return out
}

type lockedWriter struct {
	r   *Reads
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.buf.Write(p)
}

type teeCloser struct {
	io.Reader
	io.Closer
}

// Middleware records what the client reads of each response. It has the
// shape of option.Middleware in openai-go and anthropic-sdk-go: give it
// before the helper's options, so that it is outermost.
func (r *Reads) Middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	res, err := next(req)
	r.Record(res)
	return res, err
}

// Transport returns next (http.DefaultTransport when nil) recording what
// the client reads of each response; put it outside the helper's
// transport.
func (r *Reads) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		res, err := next.RoundTrip(req)
		r.Record(res)
		return res, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// SameReads checks that a client reads, with the helper, exactly the bytes
// the server sent and exactly what it reads without the helper. It runs
// calls twice, each time against a new fake server scripted with script and
// with a new rec: first with p nil (the client is built without the
// helper), then with a pipeline (built with it). calls makes one call per
// reply of script and reads each answer to its end; the traced run must end
// one span per reply. calls returns what the caller got (decoded values,
// error texts…), which must also be the same both times.
func SameReads(t *testing.T, script []Reply, calls func(fake *Server, p *Pipeline, rec *Reads) []string) {
	t.Helper()
	run := func(traced bool) (reads, got []string) {
		fake := NewServer(t)
		fake.Push(script...)
		var p *Pipeline
		if traced {
			p = NewPipeline(t)
		}
		rec := &Reads{}
		got = calls(fake, p, rec)
		for i := range got { // error texts name the server's port
			got[i] = strings.ReplaceAll(got[i], fake.URL, "http://fake")
		}
		sent, reads := fake.Sent(), rec.All()
		require.Len(t, reads, len(sent))
		for i := range sent {
			assert.Equal(t, string(sent[i]), reads[i], "answer %d", i)
		}
		if traced {
			assert.Len(t, p.Recorder.Ended(), len(script))
		}
		return reads, got
	}
	bareReads, bareGot := run(false)
	reads, got := run(true)
	assert.Equal(t, bareReads, reads, "bytes read")
	assert.Equal(t, bareGot, got, "what the caller got")
}
