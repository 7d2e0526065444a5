package queue

import (
	"encoding/binary"
	"encoding/json"
	"slices"
)

// A lane keeps its waiting events in an arena: records written back to back
// into chunks of bytes, each record a small header and the event's JSON.
// Against one allocation and one item struct per event, this holds little
// more than the JSON itself (the heap per queued event was 1.3x its JSON),
// costs no allocation per event, and what the byte bound counts
// (recordOverhead per event on top of the JSON) is what is held, give or
// take the two partly used chunks at the ends of each lane.
type arena struct {
	head, tail *chunk // read from head at off, write at the end of tail
	off        int
	nextSize   int // capacity of the next chunk
	// retired are the chunks read through since the last recycle: the
	// batch being cut or delivered may still point into them.
	retired []*chunk
	// free are chunks whose batches are done, for push to reuse.
	free []*chunk
}

// maxFreeChunks bounds the chunks a lane keeps for reuse (at most
// maxFreeChunks*maxChunk bytes, not counted by the byte bound).
const maxFreeChunks = 4

// chunk is one block of records. Once fully read it is unlinked and
// retired; once the batch that may point into it is done (recycle), push
// writes into it again.
type chunk struct {
	buf  []byte
	next *chunk
}

const (
	// recordOverhead is what a record adds to its event's JSON: the time it
	// was enqueued (8 bytes) and its length (4 bytes).
	recordOverhead = 12
	// minChunk and maxChunk bound chunk sizes: a lane that sees a trickle
	// keeps small chunks, a busy one grows to big ones, whose unused tail
	// is small against what they hold.
	minChunk = 4 << 10
	maxChunk = 64 << 10
)

// push appends a record for data, enqueued at (ns since the queue's epoch).
func (a *arena) push(data []byte, at int64) {
	need := recordOverhead + len(data)
	if a.tail == nil || cap(a.tail.buf)-len(a.tail.buf) < need {
		size := max(a.nextSize, minChunk)
		a.nextSize = min(2*size, maxChunk)
		c := a.reuse(max(size, need))
		if a.tail == nil {
			a.head, a.off = c, 0
		} else {
			a.tail.next = c
		}
		a.tail = c
	}
	b := binary.LittleEndian.AppendUint64(a.tail.buf, uint64(at))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	a.tail.buf = append(b, data...)
}

// front returns the first unread record; ok is false when there is none.
// data is capped at its own length, so that appending to it cannot touch
// the next record.
func (a *arena) front() (at int64, data json.RawMessage, ok bool) {
	for a.head != nil && a.off == len(a.head.buf) {
		if a.head == a.tail {
			return 0, nil, false // keep writing into the tail chunk
		}
		a.retired = append(a.retired, a.head)
		a.head, a.off = a.head.next, 0
	}
	if a.head == nil {
		return 0, nil, false
	}
	b := a.head.buf[a.off:]
	at = int64(binary.LittleEndian.Uint64(b))
	n := int(binary.LittleEndian.Uint32(b[8:]))
	return at, b[recordOverhead : recordOverhead+n : recordOverhead+n], true
}

// pop moves past the record front returned, of n bytes of JSON.
func (a *arena) pop(n int) {
	a.off += recordOverhead + n
}

// reuse returns an empty chunk of at least size bytes: a free one when one
// is large enough, else a new one.
func (a *arena) reuse(size int) *chunk {
	for i := len(a.free) - 1; i >= 0; i-- {
		if c := a.free[i]; cap(c.buf) >= size {
			a.free = append(a.free[:i], a.free[i+1:]...)
			c.buf, c.next = c.buf[:0], nil
			return c
		}
	}
	return &chunk{buf: make([]byte, 0, size)}
}

// recycle frees the retired chunks for reuse. Call it only when no batch
// points into the arena any more (between batches of the lane).
func (a *arena) recycle() {
	// push asks for chunks of nextSize or more: smaller ones would only
	// take room in the free list.
	a.free = slices.DeleteFunc(a.free, func(c *chunk) bool { return cap(c.buf) < a.nextSize })
	for _, c := range a.retired {
		if len(a.free) < maxFreeChunks && cap(c.buf) >= a.nextSize {
			c.next = nil
			a.free = append(a.free, c)
		}
	}
	clear(a.retired)
	a.retired = a.retired[:0]
}
