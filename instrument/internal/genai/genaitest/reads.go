package genaitest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
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
