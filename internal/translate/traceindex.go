package translate

import "go.opentelemetry.io/otel/trace"

// traceIndex maps the trace ids of one batch to their groups' indexes, as
// a map[trace.TraceID]int32 would, at a fraction of a map's cost (every
// span of a batch asks, and a batch has some hundreds of traces): an
// open-addressing table, half empty at most, with no pointer for the
// garbage collector and no allocation once grown. Its hash is keyed per
// process (traceHash), so that ids chosen to collide do not.
type traceIndex struct {
	slots []batchTraceSlot
	mask  uint64
}

type batchTraceSlot struct {
	id trace.TraceID
	at int32 // the group's index + 1; 0: empty
}

// reset empties the index, for up to n ids.
func (x *traceIndex) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(x.slots) < size {
		x.slots = make([]batchTraceSlot, size)
	} else {
		x.slots = x.slots[:size]
		clear(x.slots)
	}
	x.mask = uint64(size - 1)
}

// slot is id's slot, or the empty one where it goes.
func (x *traceIndex) slot(id trace.TraceID) *batchTraceSlot {
	h := traceHash(id) // keyed per process, as the memories' hashes are
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		if s := &x.slots[i]; s.at == 0 || s.id == id {
			return s
		}
	}
}
