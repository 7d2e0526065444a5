package translate

import (
	"math/bits"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// traceCache remembers the identity of recently seen traces, for spans that
// arrive in a later batch without one. It is bounded in entries (at most
// max) and in time (entries expire after ttl).
//
// Entries are written in turn into a ring of max slots, in generations of
// a quarter of max writes (traceCacheGenerations); before a generation
// writes over the slots of one before, the traces those hold are forgotten
// (their slots name them). So a trace written is kept while the next
// max-max/4 traces are written, at least (a renewal of a trace written in
// an earlier generation writes it anew), not while the next max are: the
// least recently written go first, a generation at a time.
//
// The index is a flat open-addressing table of the live writes (8 bytes
// a slot: the top half of the trace's hash and its place in the ring;
// linear-probed, at most half full, grown with the writes), not a Go
// map: the cache holds thousands of sessions' traces and is cold
// between batches, and a look-up that finds no trace, as most do, reads
// one line of it. A slot whose hash matches is checked against the
// trace's whole id in traces: no two traces are taken for one.
// It is not safe for concurrent use; the Translator guards it.
type traceCache struct {
	ttl     time.Duration
	gen     uint64          // writes of a generation
	size    uint64          // slots of the ring: max
	index   []traceSlot     // the live writes; its length is a power of two
	shift   uint8           // 64 - log2 of len(index): a hash's top bits are its home
	indexed int             // the slots of index taken
	ring    []cacheEntry    // grown up to size as written
	traces  []trace.TraceID // the trace of each slot of ring, zero when forgotten
	written uint64          // the writes so far: the next one's number
	// expiresFrom is the now of the last expiry computed (when
	// expirySet), expires it: the writes of a batch share their now, and
	// the time's Add is some 70 instructions.
	expiresFrom, expires time.Time
	expirySet            bool
}

// traceSlot is a live write in the index: the top 32 bits of its trace's
// hash (traceHash; the slot's home is their top bits), and its place in
// the ring plus one; 0 is an empty slot. A place names one write: the
// ring holds the last size writes at most, and a generation forgets the
// writes of the places it takes before it writes them.
type traceSlot uint64

func slotOf(h, place uint64) traceSlot { return traceSlot(h>>32<<32 | (place + 1)) }

func (s traceSlot) place() uint64 { return uint64(uint32(s)) - 1 }

// maxTraceCache bounds the ring's slots, so that a place fits in a
// slot's 32 bits and the index (up to four times the ring) keeps a shift
// of 32 or more, which unindex's home of a slot needs: a ring of more
// would take some 100 GB.
const maxTraceCache = 1 << 30

// traceCacheGenerations is how many generations the ring holds: a trace
// outlives at least (traceCacheGenerations-1)/traceCacheGenerations of max
// later writes, as Settings documents (TraceCacheSize).
const traceCacheGenerations = 4

type cacheEntry struct {
	id      identity
	expires time.Time
}

func newTraceCache(maxEntries int, ttl time.Duration) *traceCache {
	maxEntries = min(maxEntries, maxTraceCache)
	c := &traceCache{ttl: ttl, gen: max(uint64(maxEntries)/traceCacheGenerations, 1), size: uint64(maxEntries)}
	c.grow()
	return c
}

// minTraceIndex is the first size of the index, which grows with the
// traces written, a power of two at most half full (up to two to four
// times the slots of the ring): a small translator's memory stays small.
const minTraceIndex = 16

// grow doubles the index (the first time, makes it) and puts the live
// writes back.
func (c *traceCache) grow() {
	old := c.index
	size := max(2*len(old), minTraceIndex)
	c.index, c.shift = make([]traceSlot, size), uint8(64-bits.Len(uint(size-1)))
	for _, s := range old {
		if s != 0 {
			c.index[c.free(uint64(s))] = s
		}
	}
}

func (c *traceCache) len() int { return c.indexed }

// slot returns the index slot of the trace's live write (when place is
// nil, any; else the write at *place only), or the empty slot where a
// write of it goes.
func (c *traceCache) slot(traceID trace.TraceID, h uint64, place *uint64) (int, bool) {
	mask := len(c.index) - 1
	for i := int(h >> c.shift); ; i = (i + 1) & mask {
		switch s := c.index[i]; {
		case s == 0:
			return i, false
		case uint64(s)>>32 != h>>32:
		case place != nil && s.place() == *place, place == nil && c.traces[s.place()] == traceID:
			return i, true
		}
	}
}

// free returns the first empty slot of the run of hash h.
func (c *traceCache) free(h uint64) int {
	mask := len(c.index) - 1
	i := int(h >> c.shift)
	for c.index[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

// find returns the place of the trace's write in the ring.
func (c *traceCache) find(traceID trace.TraceID) (uint64, bool) {
	if c.indexed == 0 {
		return 0, false
	}
	i, ok := c.slot(traceID, traceHash(traceID), nil)
	return c.index[i].place(), ok
}

// forget deletes the trace's index slot when its write is at place.
func (c *traceCache) forget(traceID trace.TraceID, place uint64) {
	if i, ok := c.slot(traceID, traceHash(traceID), &place); ok {
		c.unindex(i)
	}
}

// writeAt is the number of the live write at place: of the last size
// writes, the one there.
func (c *traceCache) writeAt(place uint64) uint64 {
	last := c.written - 1
	return last - (last%c.size+c.size-place)%c.size
}

// unindex empties slot i. The slots after it in its run move back where
// their probes would otherwise stop short (linear probing keeps no
// tombstones).
func (c *traceCache) unindex(i int) {
	mask := len(c.index) - 1
	for j := (i + 1) & mask; c.index[j] != 0; j = (j + 1) & mask {
		// Slot j moves to i when its home is not in (i, j], cyclically.
		if home := int(uint64(c.index[j]) >> c.shift); (j-home)&mask >= (j-i)&mask {
			c.index[i] = c.index[j]
			i = j
		}
	}
	c.index[i] = 0
	c.indexed--
}

func (c *traceCache) get(traceID trace.TraceID, now time.Time) (identity, bool) {
	place, ok := c.find(traceID)
	if !ok {
		return identity{}, false
	}
	e := &c.ring[place]
	if !now.Before(e.expires) {
		c.forget(traceID, place)
		c.clearSlot(place) // for the garbage collector
		return identity{}, false
	}
	return e.id, true
}

// put merges id into the trace's entry (fields of id win when set) and
// renews its lifetime.
func (c *traceCache) put(traceID trace.TraceID, id identity, now time.Time) {
	place, ok := c.find(traceID)
	if !ok {
		c.add(traceID, id, now)
		return
	}
	e := &c.ring[place]
	for f, v := range e.id {
		if id[f] == "" {
			id[f] = v
		}
	}
	if c.writeAt(place) >= c.written-c.written%c.gen {
		// In the generation being written: renewed in place.
		*e = cacheEntry{id: id, expires: c.expiry(now)}
		return
	}
	c.forget(traceID, place) // each index slot names the place of its own trace
	c.clearSlot(place)
	c.write(traceID, id, now)
}

// add is put for a trace known to have no entry (get said so since).
func (c *traceCache) add(traceID trace.TraceID, id identity, now time.Time) {
	c.write(traceID, id, now)
}

// write writes the trace's entry into the next slot of the ring.
func (c *traceCache) write(traceID trace.TraceID, id identity, now time.Time) {
	n := c.written
	if n%c.gen == 0 && n+c.gen > c.size {
		// The writes of this generation take the slots of writes
		// n-size to n+gen-size: their traces go.
		c.forgetBefore(n + c.gen - c.size)
	}
	e := cacheEntry{id: id, expires: c.expiry(now)}
	place := n % c.size
	if place < uint64(len(c.ring)) {
		c.ring[place], c.traces[place] = e, traceID
	} else {
		c.ring, c.traces = append(c.ring, e), append(c.traces, traceID)
	}
	// The trace has no slot here (add: get found none; put forgot it).
	if 2*(c.indexed+1) > len(c.index) {
		c.grow()
	}
	h := traceHash(traceID)
	c.index[c.free(h)] = slotOf(h, place)
	c.indexed++
	c.written++
}

// forgetBefore forgets the traces written before write number n, those
// written since the last call (n-gen on): it reads their ids in traces, in
// memory order, and deletes their index slots (none when forgotten
// already, expired or written anew). A walk of the whole index that
// deleted the old ones would touch every line of it.
func (c *traceCache) forgetBefore(n uint64) {
	for m := max(n, c.gen) - c.gen; m < n; m++ {
		c.forget(c.traces[m%c.size], m%c.size)
	}
}

// expiry is when an entry written at now expires.
func (c *traceCache) expiry(now time.Time) time.Time {
	if !c.expirySet || now != c.expiresFrom { // the same time value (its monotonic reading too), the same sum
		c.expiresFrom, c.expires, c.expirySet = now, now.Add(c.ttl), true
	}
	return c.expires
}

// clearSlot empties the ring at place, whose index slot is gone.
func (c *traceCache) clearSlot(place uint64) {
	c.ring[place], c.traces[place] = cacheEntry{}, trace.TraceID{}
}

// purge drops expired entries: the live writes are the last size ones at
// most, in the ring's order.
func (c *traceCache) purge(now time.Time) {
	for n := max(c.written, c.size) - c.size; n < c.written; n++ {
		if place := n % c.size; !now.Before(c.ring[place].expires) {
			traceID := c.traces[place]
			if i, ok := c.slot(traceID, traceHash(traceID), &place); ok {
				c.unindex(i)
				c.clearSlot(place)
			}
		}
	}
}
