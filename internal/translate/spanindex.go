package translate

import (
	"encoding/binary"
	"math/rand/v2"

	"go.opentelemetry.io/otel/trace"
)

// spanIndex maps span ids to indexes for a pass over one batch, as a
// map[trace.SpanID]int would (a put replaces), at a fraction of a map's
// cost: an open-addressing table of integers, half empty at most, with no
// pointer for the garbage collector and no allocation once grown. Its
// hash is seeded per process, so that ids chosen to collide do not.
type spanIndex struct {
	slots []spanSlot
	mask  uint64
	n     int // the ids put
}

type spanSlot struct {
	id uint64
	at int32 // the index + 1; 0: empty
}

var spanIndexSeed = rand.Uint64()

// reset empties the index, for up to n ids.
func (x *spanIndex) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(x.slots) < size {
		x.slots = make([]spanSlot, size)
	} else {
		x.slots = x.slots[:size]
		clear(x.slots)
	}
	x.mask, x.n = uint64(size-1), 0
}

// slot is id's slot, or the empty one where it would go.
func (x *spanIndex) slot(id trace.SpanID) (*spanSlot, uint64) {
	k := binary.LittleEndian.Uint64(id[:])
	h := k ^ spanIndexSeed // splitmix64's finalizer
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	h ^= h >> 31
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		if s := &x.slots[i]; s.at == 0 || s.id == k {
			return s, k
		}
	}
}

// put sets id's index to i, replacing the one it had. The index holds at
// most the n ids of reset.
func (x *spanIndex) put(id trace.SpanID, i int) {
	s, k := x.slot(id)
	if s.at == 0 {
		x.n++
	}
	s.id, s.at = k, int32(i)+1
}

// get returns id's index.
func (x *spanIndex) get(id trace.SpanID) (int, bool) {
	s, _ := x.slot(id)
	return int(s.at) - 1, s.at != 0
}
