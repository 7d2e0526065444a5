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
// writes over the slots of one before, one walk of the map forgets the
// traces those held. So a trace written is kept while the next max-max/4
// traces are written, at least (a renewal of a trace written in an earlier
// generation writes it anew), not while the next max are: the least
// recently written go first, a generation at a time. The eviction costs
// no map delete per trace: under a steady flow of new traces the map
// entries of the traces evicted are cold, and a delete each was a cache
// miss each, as was the list of the eviction order.
// The map is keyed by a fold of the trace id to 64 bits (the ids are
// random bytes): the runtime's 64-bit map paths are cheaper, and its slots
// a third smaller, than with 16-byte keys. The ring entry holds the whole
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
	written uint64                   // the writes so far: the next one's number
}

// traceCacheGenerations is how many generations the ring holds: a trace
// outlives at least (traceCacheGenerations-1)/traceCacheGenerations of max
// later writes; more of them would walk the map more often.
const traceCacheGenerations = 4

type cacheEntry struct {
	trace   trace.TraceID
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
	if n, ok := c.entries[fold(traceID)]; ok && c.ring[n%c.size].trace == traceID {
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
		*e = cacheEntry{} // for the garbage collector
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
		*e = cacheEntry{trace: traceID, id: id, expires: now.Add(c.ttl)}
		return
	}
	c.forget(traceID, n) // each map entry names the slot of its own trace
	*e = cacheEntry{}
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
	e := cacheEntry{trace: traceID, id: id, expires: now.Add(c.ttl)}
	if i := n % c.size; i < uint64(len(c.ring)) {
		c.ring[i] = e
	} else {
		c.ring = append(c.ring, e)
	}
	k := fold(traceID)
	if m, ok := c.entries[k]; ok && m != n && c.ring[m%c.size].trace != traceID {
		c.others[traceID] = n // the fold is another trace's
	} else {
		c.entries[k] = n
		if len(c.others) > 0 {
			delete(c.others, traceID) // it may have been there when written before
		}
	}
	c.written++
}

// forgetBefore forgets the traces written before write number n: one walk
// of the map, whose entries it reads in memory order.
func (c *traceCache) forgetBefore(n uint64) {
	for k, v := range c.entries {
		if v < n {
			delete(c.entries, k)
		}
	}
	for k, v := range c.others {
		if v < n {
			delete(c.others, k)
		}
	}
}

// purge drops expired entries.
func (c *traceCache) purge(now time.Time) {
	for k, n := range c.entries {
		if e := &c.ring[n%c.size]; !now.Before(e.expires) {
			delete(c.entries, k)
			*e = cacheEntry{}
		}
	}
	for k, n := range c.others {
		if e := &c.ring[n%c.size]; !now.Before(e.expires) {
			delete(c.others, k)
			*e = cacheEntry{}
		}
	}
}
