package translate

import (
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/translate/openstate"
	"go.opentelemetry.io/otel/trace"
)

// traceCache remembers the identity of recently seen traces, for spans that
// arrive in a later batch without one. It is bounded in entries (the least
// recently written goes first) and in time (entries expire after ttl).
// Its entries are in a slab: a trace costs no allocation of its own, though
// the entries, which hold the ids, are for the garbage collector to mark.
// It is not safe for concurrent use; the Translator guards it.
type traceCache struct {
	max     int
	ttl     time.Duration
	entries map[trace.TraceID]openstate.Handle
	recs    openstate.Slab[cacheEntry, *cacheEntry]
	order   openstate.Order // least recently written first
}

type cacheEntry struct {
	traceID trace.TraceID
	id      identity
	expires time.Time
	links   openstate.Links
}

func (e *cacheEntry) Links() *openstate.Links { return &e.links }

func newTraceCache(maxEntries int, ttl time.Duration) *traceCache {
	return &traceCache{max: maxEntries, ttl: ttl, entries: make(map[trace.TraceID]openstate.Handle)}
}

func (c *traceCache) len() int { return len(c.entries) }

func (c *traceCache) get(traceID trace.TraceID, now time.Time) (identity, bool) {
	h, ok := c.entries[traceID]
	if !ok {
		return identity{}, false
	}
	e := c.recs.At(h)
	if !now.Before(e.expires) {
		c.remove(h)
		return identity{}, false
	}
	return e.id, true
}

// put merges id into the trace's entry (fields of id win when set) and
// renews its lifetime.
func (c *traceCache) put(traceID trace.TraceID, id identity, now time.Time) {
	if h, ok := c.entries[traceID]; ok {
		e := c.recs.At(h)
		for f, v := range id {
			if v != "" {
				e.id[f] = v
			}
		}
		e.expires = now.Add(c.ttl)
		c.recs.MoveToBack(&c.order, h)
		return
	}
	c.add(traceID, id, now)
}

// add is put for a trace known to have no entry (get said so since).
func (c *traceCache) add(traceID trace.TraceID, id identity, now time.Time) {
	for len(c.entries) >= c.max {
		c.remove(c.order.Head)
	}
	// A full cache's next entry takes the slot it let go: at a steady flow
	// of traces, a put allocates nothing.
	h := c.recs.Alloc()
	*c.recs.At(h) = cacheEntry{traceID: traceID, id: id, expires: now.Add(c.ttl)}
	c.recs.PushBack(&c.order, h)
	c.entries[traceID] = h
}

// purge drops expired entries.
func (c *traceCache) purge(now time.Time) {
	for h := c.order.Head; h != 0; {
		next := c.recs.Next(h)
		if !now.Before(c.recs.At(h).expires) {
			c.remove(h)
		}
		h = next
	}
}

func (c *traceCache) remove(h openstate.Handle) {
	delete(c.entries, c.recs.At(h).traceID)
	c.recs.Remove(&c.order, h)
	c.recs.Release(h)
}
