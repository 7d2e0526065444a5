package translate

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"

	"go.opentelemetry.io/otel/trace"
)

// recentMap remembers the last entries put, about max of them: entries go
// into the current generation, and when it holds max/2 it becomes the
// previous one and the one before is forgotten. Against a map with an
// eviction ring, a put is one insert (no delete, no ring), and the memory
// is at most max entries. Callers hold the Translator's lock.
//
// Each generation is a flat open-addressing table (recentGen), not a Go
// map: the maps hold thousands of sessions' entries and are cold between
// batches, and a put there reads one line of a small index and appends
// its entry where the last one went, where a map's insert touched a
// group's control word and its slot, and a rotation clears the index's 8
// bytes a slot.
type recentMap[K comparable, V any] struct {
	max       int
	hash      func(K) uint64 // spread over all 64 bits: the index takes the top ones
	shift     uint8          // 64 - log2 of the slots of an index
	cur, prev recentGen[K, V]
}

// recentGen is one generation: entries in the order put (a delete moves
// the last one into its place), and an index of linear-probed slots, each
// the top 32 bits of its key's hash (its tag, of which the slot's home is
// the top bits) and its entry's place plus one; 0 is empty. A tag that
// matches is checked against the entry's whole key.
type recentGen[K comparable, V any] struct {
	slots   []uint64
	entries []recentEntry[K, V]
}

type recentEntry[K comparable, V any] struct {
	key K
	val V
}

func newRecentMap[K comparable, V any](maxEntries int, hash func(K) uint64) recentMap[K, V] {
	// At most max/2 entries in an index of at least twice as many slots:
	// a probe mostly ends at the first slot or the next, in one line.
	n := uint(max(maxEntries/2, 1))
	return recentMap[K, V]{max: maxEntries, hash: hash, shift: uint8(64 - bits.Len(2*n-1))}
}

// put adds or replaces k's value.
func (m *recentMap[K, V]) put(k K, v V) {
	if m.cur.slots == nil || len(m.cur.entries) >= m.max/2 {
		m.rotate()
	}
	h := m.hash(k)
	i, found := m.cur.find(k, h, m.shift)
	if found {
		m.cur.entries[uint32(m.cur.slots[i])-1].val = v
		return
	}
	m.cur.entries = append(m.cur.entries, recentEntry[K, V]{k, v})
	m.cur.slots[i] = h>>32<<32 | uint64(len(m.cur.entries))
}

// rotate makes the current generation the previous one. The one
// forgotten lends its room to the next: its entries are written over (a
// value past the length keeps what it points to until then: bounded, and
// the users' keys and values hold no pointers).
func (m *recentMap[K, V]) rotate() {
	next := m.prev
	if next.slots == nil {
		n := max(m.max/2, 1)
		next = recentGen[K, V]{slots: make([]uint64, 1<<(64-m.shift)), entries: make([]recentEntry[K, V], 0, n)}
	} else {
		clear(next.slots)
		next.entries = next.entries[:0]
	}
	m.prev, m.cur = m.cur, next
}

// get returns k's value. Most look-ups find the memory empty: that
// takes no call.
func (m *recentMap[K, V]) get(k K) (V, bool) {
	if m.empty() {
		var zero V
		return zero, false
	}
	return m.lookup(k)
}

// lookup is get for a memory not empty.
func (m *recentMap[K, V]) lookup(k K) (V, bool) {
	h := m.hash(k)
	for _, g := range [...]*recentGen[K, V]{&m.cur, &m.prev} {
		if len(g.entries) == 0 {
			continue
		}
		if i, ok := g.find(k, h, m.shift); ok {
			return g.entries[uint32(g.slots[i])-1].val, true
		}
	}
	var zero V
	return zero, false
}

// delete forgets k.
func (m *recentMap[K, V]) delete(k K) {
	if m.empty() {
		return
	}
	h := m.hash(k)
	for _, g := range [...]*recentGen[K, V]{&m.cur, &m.prev} {
		if len(g.entries) == 0 {
			continue
		}
		if i, ok := g.find(k, h, m.shift); ok {
			g.remove(i, m.hash, m.shift)
		}
	}
}

// len is the number of entries remembered (a key put again after its
// generation became the previous one counts twice).
func (m *recentMap[K, V]) len() int { return len(m.cur.entries) + len(m.prev.entries) }

// empty says whether nothing is remembered.
func (m *recentMap[K, V]) empty() bool { return len(m.cur.entries) == 0 && len(m.prev.entries) == 0 }

// find returns the slot of k, whose hash is h, or the empty slot where it
// goes. The index has slots to spare: a probe ends.
func (g *recentGen[K, V]) find(k K, h uint64, shift uint8) (int, bool) {
	mask := len(g.slots) - 1
	tag := h >> 32
	for i := int(h >> shift); ; i = (i + 1) & mask {
		s := g.slots[i]
		if s == 0 {
			return i, false
		}
		if s>>32 == tag && g.entries[uint32(s)-1].key == k {
			return i, true
		}
	}
}

// remove deletes slot i and its entry. The slots after it in its run move
// back where their probes would otherwise stop short (a linear-probed
// index has no tombstones), and the last entry moves into the freed place.
func (g *recentGen[K, V]) remove(i int, hash func(K) uint64, shift uint8) {
	place := int(uint32(g.slots[i])) - 1
	mask := len(g.slots) - 1
	for j := (i + 1) & mask; g.slots[j] != 0; j = (j + 1) & mask {
		// Slot j moves to i when its home is not after i in the run
		// (cyclically, in (i, j]).
		home := int(g.slots[j] >> 32 >> (shift - 32))
		if (j-home)&mask >= (j-i)&mask {
			g.slots[i] = g.slots[j]
			i = j
		}
	}
	g.slots[i] = 0
	last := len(g.entries) - 1
	if place != last {
		moved := g.entries[last]
		g.entries[place] = moved
		j, _ := g.find(moved.key, hash(moved.key), shift)
		g.slots[j] = g.slots[j]>>32<<32 | uint64(place+1)
	}
	g.entries = g.entries[:last]
}

// recentSeeds key the hashes of ids in recentMaps: the ids come from
// outside, and a hash they could not aim keeps crafted ids from making
// long probes. Per process, as the memories are.
var recentSeeds = [4]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64(), rand.Uint64()}

// mix folds two words into one, every bit of each reaching every bit of
// the result (the 128-bit product's halves, as wyhash does).
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// stringHash is a keyed hash of s for the memories' keys: its words, read
// 16 bytes a step (the last step overlapping the one before), mixed with
// its length, as wyhash does; an id is some ten or twenty bytes, which
// the runtime's maphash.String took some 65 instructions for.
func stringHash(s string) uint64 {
	n := len(s)
	h := mix(uint64(n)^recentSeeds[0], recentSeeds[1])
	switch {
	case n > 16:
		for i := 0; n-i > 16; i += 16 {
			h = mix(word8(s[i:])^h^recentSeeds[2], word8(s[i+8:])^recentSeeds[3])
		}
		return mix(word8(s[n-16:])^h^recentSeeds[2], word8(s[n-8:])^recentSeeds[3])
	case n >= 8:
		return mix(word8(s)^h^recentSeeds[2], word8(s[n-8:])^recentSeeds[3])
	case n >= 4:
		return mix(word4(s)^h^recentSeeds[2], word4(s[n-4:])^recentSeeds[3])
	case n > 0:
		return mix(uint64(s[0])<<16|uint64(s[n/2])<<8|uint64(s[n-1])^h^recentSeeds[2], recentSeeds[3])
	}
	return h
}

// traceHash is a trace id's hash in a recentMap.
func traceHash(id trace.TraceID) uint64 {
	return mix(binary.LittleEndian.Uint64(id[:8])^recentSeeds[0], binary.LittleEndian.Uint64(id[8:])^recentSeeds[1])
}

// hash is a span key's hash in a recentMap.
func (k spanKey) hash() uint64 {
	return mix(traceHash(k.trace)^binary.LittleEndian.Uint64(k.span[:]), recentSeeds[2])
}

// hashed is the hash in a recentMap of a key that is a hash already.
func hashed(k uint64) uint64 { return k }
