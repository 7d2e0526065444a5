package translate

import (
	"container/list"
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
	entries map[trace.TraceID]*list.Element
	order   list.List // of *cacheEntry, least recently written first
}

type cacheEntry struct {
	traceID trace.TraceID
	id      identity
	expires time.Time
}

func newTraceCache(maxEntries int, ttl time.Duration) *traceCache {
	return &traceCache{max: maxEntries, ttl: ttl, entries: make(map[trace.TraceID]*list.Element)}
}

func (c *traceCache) len() int { return len(c.entries) }

func (c *traceCache) get(traceID trace.TraceID, now time.Time) (identity, bool) {
	el, ok := c.entries[traceID]
	if !ok {
		return identity{}, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.remove(el)
		return identity{}, false
	}
	return e.id, true
}

// put merges id into the trace's entry (fields of id win when set) and
// renews its lifetime.
func (c *traceCache) put(traceID trace.TraceID, id identity, now time.Time) {
	if el, ok := c.entries[traceID]; ok {
		e := el.Value.(*cacheEntry)
		for f, v := range id {
			if v != "" {
				e.id[f] = v
			}
		}
		e.expires = now.Add(c.ttl)
		c.order.MoveToBack(el)
		return
	}
	for len(c.entries) >= c.max {
		c.remove(c.order.Front())
	}
	c.entries[traceID] = c.order.PushBack(&cacheEntry{traceID: traceID, id: id, expires: now.Add(c.ttl)})
}

// purge drops expired entries.
func (c *traceCache) purge(now time.Time) {
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if !now.Before(el.Value.(*cacheEntry).expires) {
			c.remove(el)
		}
		el = next
	}
}

func (c *traceCache) remove(el *list.Element) {
	delete(c.entries, el.Value.(*cacheEntry).traceID)
	c.order.Remove(el)
}
