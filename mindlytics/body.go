package mindlytics

import (
	"errors"
	"io"
	"sync"

	"github.com/mindlytics/mindlytics-otel/internal/bufpool"
)

// sharedBody is a request body in a pooled buffer. The buffer goes back to
// the pool only once its owner has released it and every reader the
// transport was given is closed (the request's body, and any GetBody made
// for a redirect or a retried connection): the transport may still be
// writing a body after Do has returned, so returning it when Do returns
// could send another request's bytes.
type sharedBody struct {
	mu   sync.Mutex
	buf  *[]byte
	refs int
}

// bodyBuffers keeps request bodies of up to 8 MiB for reuse.
var bodyBuffers = bufpool.New(8 << 20)

// newSharedBody returns an empty body with room for size bytes, owned by
// the caller until release.
func newSharedBody(size int) *sharedBody {
	return &sharedBody{buf: bodyBuffers.Get(size), refs: 1}
}

// reader returns a new reader of the body; the body is kept until it is
// closed. Once the owner and every reader are done there is no body to
// read any more: that is an error, never another request's bytes.
func (b *sharedBody) reader() (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf == nil {
		return nil, errBodyClosed
	}
	b.refs++
	return &sharedReader{body: b, data: *b.buf}, nil
}

// len is the body's size; the owner holds it.
func (b *sharedBody) len() int { return len(*b.buf) }

// release gives up the owner's hold on the body.
func (b *sharedBody) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unref()
}

// unref drops one hold; b.mu must be held.
func (b *sharedBody) unref() {
	b.refs--
	if b.refs > 0 || b.buf == nil {
		return
	}
	bodyBuffers.Put(b.buf)
	b.buf = nil
}

var errBodyClosed = errors.New("mindlytics: read of a closed request body")

// sharedReader reads a sharedBody. Reads and Close take the body's lock, so
// the buffer is never returned to the pool in the middle of a read.
type sharedReader struct {
	body   *sharedBody
	data   []byte
	off    int
	closed bool
}

func (r *sharedReader) Read(p []byte) (int, error) {
	r.body.mu.Lock()
	defer r.body.mu.Unlock()
	if r.closed {
		return 0, errBodyClosed
	}
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	return n, nil
}

func (r *sharedReader) Close() error {
	r.body.mu.Lock()
	defer r.body.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.body.unref()
	}
	return nil
}
