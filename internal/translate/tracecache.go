package translate

import (
	"encoding/binary"
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
// The map is keyed by a fold of the trace id to 64 bits (the ids are
// random bytes): the runtime's 64-bit map paths are cheaper, and its slots
// a third smaller, than with 16-byte keys. traces holds each slot's whole
// id, which a look-up checks; a trace whose fold another trace in the map
// has goes into others, keyed by its whole id (rare, or crafted ids).
// It is not safe for concurrent use; the Translator guards it.
type traceCache struct {
	ttl     time.Duration
	gen     uint64                   // writes of a generation
	size    uint64                   // slots of the ring: max
	entries map[uint64]uint64        // a trace's fold → its write number: its entry is at ring[n%size]
	others  map[trace.TraceID]uint64 // a trace → its write number, when its fold is another's
	ring    []cacheEntry             // grown up to size as written
	traces  []trace.TraceID          // the trace of each slot of ring, zero when forgotten
	written uint64                   // the writes so far: the next one's number
}

// traceCacheGenerations is how many generations the ring holds: a trace
// outlives at least (traceCacheGenerations-1)/traceCacheGenerations of max
// later writes, as Settings documents (TraceCacheSize).
const traceCacheGenerations = 4

type cacheEntry struct {
	id      identity
	expires time.Time
}

func newTraceCache(maxEntries int, ttl time.Duration) *traceCache {
	return &traceCache{ttl: ttl, gen: max(uint64(maxEntries)/traceCacheGenerations, 1), size: uint64(maxEntries),
		entries: make(map[uint64]uint64), others: make(map[trace.TraceID]uint64)}
}

// fold is a trace's key in entries.
func fold(id trace.TraceID) uint64 {
	return binary.LittleEndian.Uint64(id[:8]) ^ binary.LittleEndian.Uint64(id[8:])
}

func (c *traceCache) len() int { return len(c.entries) + len(c.others) }

// find returns the trace's write number.
func (c *traceCache) find(traceID trace.TraceID) (uint64, bool) {
	if n, ok := c.entries[fold(traceID)]; ok && c.traces[n%c.size] == traceID {
		return n, true
	}
	if len(c.others) == 0 {
		return 0, false
	}
	n, ok := c.others[traceID]
	return n, ok
}

// forget deletes the trace's map entry when it is write number n.
func (c *traceCache) forget(traceID trace.TraceID, n uint64) {
	k := fold(traceID)
	if m, ok := c.entries[k]; ok && m == n {
		delete(c.entries, k)
	} else if m, ok := c.others[traceID]; ok && m == n {
		delete(c.others, traceID)
	}
}

func (c *traceCache) get(traceID trace.TraceID, now time.Time) (identity, bool) {
	n, ok := c.find(traceID)
	if !ok {
		return identity{}, false
	}
	e := &c.ring[n%c.size]
	if !now.Before(e.expires) {
		c.forget(traceID, n)
		c.clearSlot(n) // for the garbage collector
		return identity{}, false
	}
	return e.id, true
}

// put merges id into the trace's entry (fields of id win when set) and
// renews its lifetime.
func (c *traceCache) put(traceID trace.TraceID, id identity, now time.Time) {
	n, ok := c.find(traceID)
	if !ok {
		c.add(traceID, id, now)
		return
	}
	e := &c.ring[n%c.size]
	for f, v := range e.id {
		if id[f] == "" {
			id[f] = v
		}
	}
	if n >= c.written-c.written%c.gen {
		// In the generation being written: renewed in place.
		*e = cacheEntry{id: id, expires: now.Add(c.ttl)}
		return
	}
	c.forget(traceID, n) // each map entry names the slot of its own trace
	c.clearSlot(n)
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
	e := cacheEntry{id: id, expires: now.Add(c.ttl)}
	if i := n % c.size; i < uint64(len(c.ring)) {
		c.ring[i], c.traces[i] = e, traceID
	} else {
		c.ring, c.traces = append(c.ring, e), append(c.traces, traceID)
	}
	// The trace has no map entry here (add: get found none; put forgot
	// it), but another trace may have its fold.
	if k := fold(traceID); c.hasKey(k) {
		c.others[traceID] = n
	} else {
		c.entries[k] = n
	}
	c.written++
}

// hasKey says whether entries has key k.
func (c *traceCache) hasKey(k uint64) bool {
	_, ok := c.entries[k]
	return ok
}

// forgetBefore forgets the traces written before write number n, those
// written since the last call (n-gen on): it reads their ids in traces, in
// memory order, and deletes their map entries. A walk of the whole map
// that deleted the old ones, as before, took about 300 instructions more
// a write, and touched no fewer cache lines.
func (c *traceCache) forgetBefore(n uint64) {
	for m := max(n, c.gen) - c.gen; m < n; m++ {
		switch id := c.traces[m%c.size]; {
		case id == trace.TraceID{}:
			// Forgotten already (expired, or written anew), or the
			// invalid id, which forget deletes.
			c.forget(id, m)
		case len(c.others) == 0:
			// Its map entry names this slot, and no trace is in others.
			delete(c.entries, fold(id))
		default:
			c.forget(id, m)
		}
	}
}

// clearSlot empties the slot of write number n, whose map entry is gone.
func (c *traceCache) clearSlot(n uint64) {
	c.ring[n%c.size], c.traces[n%c.size] = cacheEntry{}, trace.TraceID{}
}

// purge drops expired entries.
func (c *traceCache) purge(now time.Time) {
	for k, n := range c.entries {
		if e := &c.ring[n%c.size]; !now.Before(e.expires) {
			delete(c.entries, k)
			c.clearSlot(n)
		}
	}
	for k, n := range c.others {
		if e := &c.ring[n%c.size]; !now.Before(e.expires) {
			delete(c.others, k)
			c.clearSlot(n)
		}
	}
}
