package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type slabItem struct {
	v     int
	links links
}

func (i *slabItem) lk() *links { return &i.links }

func TestSlabOrder(t *testing.T) {
	var s slab[slabItem, *slabItem]
	var l order
	h := make([]handle, 5)
	for i := range h {
		h[i] = s.alloc()
		s.at(h[i]).v = i
		s.pushBack(&l, h[i])
	}
	values := func() []int {
		var out []int
		for x := l.head; x != 0; x = s.next(x) {
			out = append(out, s.at(x).v)
		}
		return out
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4}, values())
	s.moveToBack(&l, h[0])
	s.moveToBack(&l, h[2])
	s.moveToBack(&l, h[2]) // already last
	assert.Equal(t, []int{1, 3, 4, 0, 2}, values())
	s.remove(&l, h[1])
	s.remove(&l, h[2])
	s.remove(&l, h[2]) // not in the list any more
	assert.Equal(t, []int{3, 4, 0}, values())
	s.remove(&l, h[4])
	assert.Equal(t, []int{3, 0}, values())
	s.pushBack(&l, h[1])
	assert.Equal(t, []int{3, 0, 1}, values())
	assert.Equal(t, h[1], l.tail)
	assert.Equal(t, 5, s.n)
}

// TestSlabReusesFreedRecords: a freed record's slot is the next one
// allocated, zeroed, and the slab does not grow while slots are free.
func TestSlabReusesFreedRecords(t *testing.T) {
	var s slab[slabItem, *slabItem]
	var l order
	a, b, c := s.alloc(), s.alloc(), s.alloc()
	assert.NotZero(t, a, "the zero handle is none")
	for _, x := range []handle{a, b, c} {
		s.at(x).v = int(x) * 10
		s.pushBack(&l, x)
	}
	s.remove(&l, b)
	s.release(b)
	s.remove(&l, a)
	s.release(a)
	assert.Equal(t, 1, s.n)
	size := s.used
	assert.Equal(t, a, s.alloc(), "the last freed first")
	assert.Equal(t, b, s.alloc())
	assert.Equal(t, slabItem{}, *s.at(a), "zeroed")
	assert.Equal(t, slabItem{}, *s.at(b))
	assert.Equal(t, size, s.used)
	assert.Equal(t, 3, s.n)
	assert.Equal(t, size, s.alloc(), "none free: a new slot")
	assert.Equal(t, c*10, handle(s.at(c).v), "the record in use kept")
}

// TestSlabGrowsByChunks: records keep their place as the slab grows, so a
// pointer to one stays valid.
func TestSlabGrowsByChunks(t *testing.T) {
	var s slab[slabItem, *slabItem]
	first := s.alloc()
	p := s.at(first)
	p.v = 7
	for i := range 3*slabChunk + 5 {
		h := s.alloc()
		s.at(h).v = i
	}
	assert.Same(t, p, s.at(first))
	assert.Equal(t, 7, p.v)
	assert.Len(t, s.chunks, 4)
	assert.Equal(t, 3*slabChunk+6, s.n)
}
