package translate

import (
	"slices"
	"sync"
)

// batch is the scratch space of one Translate call: the views of the
// spans' attributes, their records and identities. Batches are reused
// through batchPool, so that a call allocates little beyond the events it
// returns (the records alone are over half a kilobyte per span).
type batch struct {
	views []attrView
	recs  []record
	// used is the most records the call had in recs at once (they only
	// shrink after extraction), -1 until known: release clears no more,
	// as the array beyond was cleared before.
	used    int
	ids     batchIdentities
	merge   mergeScratch
	tracing tracing // what became of each span, when no one else traces (origins.go)
}

var batchPool = sync.Pool{New: func() any { return new(batch) }}

// maxPooledSpans bounds the batches kept for reuse: the scratch space of a
// rare huge batch is left to the garbage collector.
const maxPooledSpans = 8192

// getBatch returns scratch space for n spans, empty. A pooled batch's
// views and own identities are as the last calls left them: reset and
// ownIdentity write each in full before it is read.
func getBatch(n int) *batch {
	b := batchPool.Get().(*batch)
	b.views = resize(b.views, n)
	b.recs, b.used = b.recs[:0], -1
	if cap(b.recs) < n {
		b.recs = make([]record, 0, n)
	}
	b.ids.reset(n)
	return b
}

// release clears what the batch refers to (strings and maps of the spans
// and events, which must not be kept alive by the pool) and returns it.
// The views and own identities are not cleared (a write barrier a pointer
// while the GC marks): they hold on to the spans' attribute arrays,
// resources and id strings only until the batch is reused or the pool
// drops it, at the second garbage collection after.
func (b *batch) release() {
	if cap(b.recs) > maxPooledSpans || cap(b.views) > maxPooledSpans {
		return
	}
	if b.used < 0 || b.used > cap(b.recs) {
		b.used = cap(b.recs)
	}
	clear(b.recs[:b.used])
	b.ids.clear()
	batchPool.Put(b)
}

// nextRecord returns the record after the last of *recs, zero, for
// extract to fill in place: the caller keeps it by extending *recs, or
// clears it. The array beyond a batch's records is zero (getBatch, release).
func nextRecord(recs *[]record) *record {
	if len(*recs) == cap(*recs) {
		*recs = slices.Grow(*recs, 1)
	}
	return &(*recs)[:len(*recs)+1][len(*recs)]
}

// resize returns s with length n, its elements as they were: for arrays
// the caller sets in full before reading.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// grow returns s with length n, its elements zero.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (b *batchIdentities) reset(n int) {
	b.own = resize(b.own, n)         // set for every span by collectIdentities
	b.groupOf = resize(b.groupOf, n) // set for every span by collectIdentities
	b.groups = b.groups[:0]
	b.traces.reset(n)
	b.byIDBuilt = false
	b.res, b.anonSession, b.anonDevice = resourceFields{}, "", ""
}

func (b *batchIdentities) clear() {
	clear(b.groups[:cap(b.groups)]) // groupOfTrace extends groups over zero ones
	clear(b.byID)
	b.res, b.anonSession, b.anonDevice = resourceFields{}, "", ""
}
