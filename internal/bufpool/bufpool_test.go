package bufpool

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGetGivesRoomAndEmptiness(t *testing.T) {
	p := New(1 << 10)
	b := p.Get(100)
	assert.Zero(t, len(*b))
	assert.GreaterOrEqual(t, cap(*b), 100)
	*b = append(*b, "data"...)
	p.Put(b)
	again := p.Get(10)
	assert.Zero(t, len(*again), "a reused buffer comes back empty")
	assert.GreaterOrEqual(t, cap(*again), 10)
}

func TestPutKeepsNoBufferPastTheBound(t *testing.T) {
	p := New(64)
	big := p.Get(1 << 20)
	p.Put(big)
	for range 100 {
		b := p.Get(0)
		assert.Less(t, cap(*b), 1<<20, "the pool kept a buffer past its bound")
		p.Put(b)
	}
}
