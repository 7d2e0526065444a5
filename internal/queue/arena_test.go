package queue

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArenaKeepsRecordsInOrder(t *testing.T) {
	var a arena
	_, _, ok := a.front()
	require.False(t, ok, "empty")
	// Small and large records, across chunk boundaries and beyond maxChunk.
	var want [][]byte
	for i := range 3000 {
		size := 10 + i%300
		if i%1000 == 999 {
			size = 3 * maxChunk
		}
		want = append(want, bytes.Repeat([]byte{byte('a' + i%26)}, size))
	}
	var held [][]byte // what an in-flight batch keeps pointing at
	for i, w := range want {
		a.push(w, int64(i))
		if i%7 == 6 { // read some while writing, as a lane does
			at, data, ok := a.front()
			require.True(t, ok)
			require.Equal(t, int64(len(held)), at)
			held = append(held, data)
			a.pop(len(data))
		}
	}
	for {
		at, data, ok := a.front()
		if !ok {
			break
		}
		require.Equal(t, int64(len(held)), at)
		held = append(held, data)
		a.pop(len(data))
	}
	require.Len(t, held, len(want))
	for i := range want {
		require.Equal(t, want[i], []byte(held[i]), "record %d", i)
	}
	assert.Same(t, a.head, a.tail, "an empty arena keeps only its tail chunk")
}

func TestArenaRecordsCannotBeAppendedInto(t *testing.T) {
	var a arena
	a.push([]byte("first"), 0)
	a.push([]byte("second"), 1)
	_, data, _ := a.front()
	a.pop(len(data))
	_ = append(data, "overwrite"...) // a careless sender
	_, next, ok := a.front()
	require.True(t, ok)
	assert.Equal(t, "second", string(next), "cap %d", cap(data))
}

// TestArenaReusesChunksOnlyAfterTheirBatch cuts batches as a lane does and
// keeps writing while each is "in flight": a batch reads its own records
// until recycle, and chunks are written again after it.
func TestArenaReusesChunksOnlyAfterTheirBatch(t *testing.T) {
	var a arena
	seen := map[*chunk]bool{}
	reused, next, read := 0, 0, int64(0)
	record := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 50+i%700) }
	push := func(n int) {
		for range n {
			tail := a.tail
			a.push(record(next), int64(next))
			next++
			if a.tail != tail {
				if seen[a.tail] {
					reused++
				}
				seen[a.tail] = true
			}
		}
	}
	for round := range 400 {
		push(5 + round%40)
		var batch [][]byte
		var ids []int64
		for len(batch) < 250 {
			at, data, ok := a.front()
			if !ok {
				break
			}
			require.Equal(t, read, at, "every record, in order")
			batch, ids = append(batch, data), append(ids, at)
			a.pop(len(data))
			read++
		}
		push(200) // written while the batch is in flight: fills chunks
		for i, data := range batch {
			require.Equal(t, record(int(ids[i])), []byte(data), "round %d, record %d", round, ids[i])
		}
		a.recycle()
	}
	assert.Positive(t, reused, "chunks are written again once their batch is done")
	assert.LessOrEqual(t, len(a.free), maxFreeChunks)
}
