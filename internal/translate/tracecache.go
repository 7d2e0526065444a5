package translate

import (
	"time"

	"go.opentelemetry.io/otel/trace"
)

// traceCache remembers the identity of recently seen traces, for spans that
// arrive in a later batch without one. It is bounded in entries (the least
// recently written goes first) and in time (entries expire after ttl).
// It is not safe for concurrent use; the Translator guards it.
type traceCache struct {
	max     int
	ttl     time.Duration
	entries map[trace.TraceID]*cacheEntry
	order   lru[cacheEntry, *cacheEntry] // least recently written first
}

type cacheEntry struct {
	traceID trace.TraceID
	id      identity
	expires time.Time
	lk      lruLinks[cacheEntry]
}

func (e *cacheEntry) links() *lruLinks[cacheEntry] { return &e.lk }

func newTraceCache(maxEntries int, ttl time.Duration) *traceCache {
	return &traceCache{max: maxEntries, ttl: ttl, entries: make(map[trace.TraceID]*cacheEntry)}
}

func (c *traceCache) len() int { return len(c.entries) }

func (c *traceCache) get(traceID trace.TraceID, now time.Time) (identity, bool) {
	e, ok := c.entries[traceID]
	if !ok {
		return identity{}, false
	}
	if !now.Before(e.expires) {
		c.remove(e)
		return identity{}, false
	}
	return e.id, true
}

// put merges id into the trace's entry (fields of id win when set) and
// renews its lifetime.
func (c *traceCache) put(traceID trace.TraceID, id identity, now time.Time) {
	if e, ok := c.entries[traceID]; ok {
		for f, v := range id {
			if v != "" {
				e.id[f] = v
			}
		}
		e.expires = now.Add(c.ttl)
		c.order.moveToBack(e)
		return
	}
	var e *cacheEntry
	for len(c.entries) >= c.max {
		e = c.order.front()
		c.remove(e)
	}
	// A full cache lends the entry it let go to the new trace: at a steady
	// flow of traces, a put allocates nothing.
	if e == nil {
		e = new(cacheEntry)
	}
	*e = cacheEntry{traceID: traceID, id: id, expires: now.Add(c.ttl)}
	c.order.pushBack(e)
	c.entries[traceID] = e
}

// purge drops expired entries.
func (c *traceCache) purge(now time.Time) {
	for e := c.order.front(); e != nil; {
		next := c.order.next(e)
		if !now.Before(e.expires) {
			c.remove(e)
		}
		e = next
	}
}

func (c *traceCache) remove(e *cacheEntry) {
	delete(c.entries, e.traceID)
	c.order.remove(e)
}
