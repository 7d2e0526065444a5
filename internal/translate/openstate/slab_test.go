package openstate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type slabItem struct{ v int }

func TestSlabOrder(t *testing.T) {
	var s Slab[slabItem]
	var l Order
	h := make([]Handle, 5)
	for i := range h {
		h[i] = s.Alloc()
		s.At(h[i]).v = i
		s.PushBack(&l, h[i])
	}
	values := func() []int {
		var out []int
		for x := l.Head; x != 0; x = s.Next(x) {
			out = append(out, s.At(x).v)
		}
		return out
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4}, values())
	s.MoveToBack(&l, h[0])
	s.MoveToBack(&l, h[2])
	s.MoveToBack(&l, h[2]) // already last
	assert.Equal(t, []int{1, 3, 4, 0, 2}, values())
	s.Remove(&l, h[1])
	s.Remove(&l, h[2])
	s.Remove(&l, h[2]) // not in the list any more
	assert.Equal(t, []int{3, 4, 0}, values())
	s.Remove(&l, h[4])
	assert.Equal(t, []int{3, 0}, values())
	s.PushBack(&l, h[1])
	assert.Equal(t, []int{3, 0, 1}, values())
	assert.Equal(t, h[1], l.tail)
	assert.Equal(t, 5, s.Len)
}

// TestSlabReusesFreedRecords: a freed record's slot is the next one
// allocated, zeroed, and the slab does not grow while slots are free.
func TestSlabReusesFreedRecords(t *testing.T) {
	var s Slab[slabItem]
	var l Order
	a, b, c := s.Alloc(), s.Alloc(), s.Alloc()
	assert.NotZero(t, a, "the zero handle is none")
	for _, x := range []Handle{a, b, c} {
		s.At(x).v = int(x) * 10
		s.PushBack(&l, x)
	}
	s.Remove(&l, b)
	s.Release(b)
	s.Remove(&l, a)
	s.Release(a)
	assert.Equal(t, 1, s.Len)
	size := s.used
	assert.Equal(t, a, s.Alloc(), "the last freed first")
	assert.Equal(t, b, s.Alloc())
	assert.Equal(t, slabItem{}, *s.At(a), "zeroed")
	assert.Equal(t, slabItem{}, *s.At(b))
	assert.Equal(t, size, s.used)
	assert.Equal(t, 3, s.Len)
	assert.Equal(t, size, s.Alloc(), "none free: a new slot")
	assert.Equal(t, c*10, Handle(s.At(c).v), "the record in use kept")
}

// TestSlabGrowsByChunks: records keep their place as the slab grows, so a
// pointer to one stays valid.
func TestSlabGrowsByChunks(t *testing.T) {
	var s Slab[slabItem]
	first := s.Alloc()
	p := s.At(first)
	p.v = 7
	for i := range 3*slabChunk + 5 {
		h := s.Alloc()
		s.At(h).v = i
	}
	assert.Same(t, p, s.At(first))
	assert.Equal(t, 7, p.v)
	assert.Len(t, s.chunks, 4)
	assert.Equal(t, 3*slabChunk+6, s.Len)
}
