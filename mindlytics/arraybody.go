package mindlytics

import (
	"encoding/json"
	"io"
	"sync"
)

// arrayBody is the JSON array of a batch's events as a request body, read
// straight from the caller's events: the transport copies them into its
// write buffer once, where a body built first copied every event twice.
// It is kept as a sharedBody is (body.go): readable while its owner holds
// it or any reader the transport was given is open. The events are the
// caller's only until SendBatch returns, so when readers are still open
// at release (a transport that reads late), the body is copied into a
// buffer of its own for them first; the net/http transport closes the
// body once written, before an answer can come, and never needs that.
type arrayBody struct {
	mu     sync.Mutex
	events []json.RawMessage // until released
	flat   *[]byte           // the copy made at release for open readers
	size   int
	refs   int
	done   bool // released with no reader open: nothing to read any more
}

// newArrayBody returns the body of events (at least one), owned by the
// caller until release.
func newArrayBody(events []json.RawMessage) *arrayBody {
	size := len(events) + 1 // brackets and commas
	for _, ev := range events {
		size += len(ev)
	}
	return &arrayBody{events: events, size: size, refs: 1}
}

// appendArray appends the JSON array of events to dst: the bytes an
// arrayBody reads.
func appendArray(dst []byte, events []json.RawMessage) []byte {
	dst = append(dst, '[')
	for i, ev := range events {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, ev...)
	}
	return append(dst, ']')
}

// len is the body's size.
func (b *arrayBody) len() int { return b.size }

// reader returns a new reader of the body; the body is kept until it is
// closed.
func (b *arrayBody) reader() (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil, errBodyClosed
	}
	b.refs++
	return &arrayReader{body: b}, nil
}

// release gives up the owner's hold on the body, and on the events.
func (b *arrayBody) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refs > 1 { // readers open: they get a copy
		b.flat = bodyBuffers.Get(b.size)
		*b.flat = appendArray((*b.flat)[:0], b.events)
	}
	b.events = nil
	b.unref()
}

// unref drops one hold; b.mu must be held.
func (b *arrayBody) unref() {
	b.refs--
	if b.refs > 0 {
		return
	}
	b.done = true
	if b.flat != nil {
		bodyBuffers.Put(b.flat)
		b.flat = nil
	}
}

// arrayReader reads an arrayBody: off bytes are read, and they end in
// part seg (the bracket or comma before event seg, then the event; seg
// len(events) is the closing bracket), in bytes into it.
type arrayReader struct {
	body    *arrayBody
	off     int
	seg, in int
	closed  bool
}

func (r *arrayReader) Read(p []byte) (int, error) {
	b := r.body
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case r.closed || b.done:
		return 0, errBodyClosed
	case r.off >= b.size:
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	case b.flat != nil:
		n := copy(p, (*b.flat)[r.off:])
		r.off += n
		return n, nil
	}
	n := 0
	for n < len(p) && r.seg < len(b.events) {
		ev := b.events[r.seg]
		if r.in == 0 {
			p[n] = ','
			if r.seg == 0 {
				p[n] = '['
			}
			n++
			if len(p)-n >= len(ev) { // the whole event fits: the common case
				n += copy(p[n:], ev)
				r.seg++
				continue
			}
			r.in = 1
		}
		k := copy(p[n:], ev[r.in-1:])
		n, r.in = n+k, r.in+k
		if r.in > len(ev) {
			r.seg, r.in = r.seg+1, 0
		}
	}
	if n < len(p) && r.seg == len(b.events) {
		p[n] = ']'
		n, r.seg = n+1, r.seg+1
	}
	r.off += n
	return n, nil
}

func (r *arrayReader) Close() error {
	r.body.mu.Lock()
	defer r.body.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.body.unref()
	}
	return nil
}
