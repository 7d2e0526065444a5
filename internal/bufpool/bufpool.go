package bufpool

import "sync"

// Pool is a pool of byte buffers up to a size. The zero Pool is not
// usable: make one with New.
type Pool struct {
	max  int
	pool sync.Pool
}

// New returns a pool that keeps buffers of at most max bytes of room.
func New(max int) *Pool {
	return &Pool{max: max, pool: sync.Pool{New: func() any { return new([]byte) }}}
}

// Get returns an empty buffer with room for at least size bytes.
func (p *Pool) Get(size int) *[]byte {
	b := p.pool.Get().(*[]byte)
	if cap(*b) < size {
		*b = make([]byte, 0, size)
	}
	*b = (*b)[:0]
	return b
}

// Put gives b back for reuse, unless it grew past the pool's bound. Nothing
// may read or write b after.
func (p *Pool) Put(b *[]byte) {
	if cap(*b) <= p.max {
		p.pool.Put(b)
	}
}
