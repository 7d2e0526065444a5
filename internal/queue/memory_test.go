package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

// blockingSender holds every request until it is closed or the request's
// context ends, holding nothing of its own: the heap is the queue's.
type blockingSender chan struct{}

func (s blockingSender) SendBatch(ctx context.Context, _ []json.RawMessage) error {
	select {
	case <-s:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// heapBytes is the live heap after a full collection.
func heapBytes() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestQueueMemory holds 100,000 events in a queue whose sender never
// answers and checks what the queue holds for them: at most 1.1x their
// JSON, and no more than its byte bound counts (PendingBytes).
func TestQueueMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	const n = 100_000
	events := make([]mindlytics.Event, n)
	jsonSize := 0
	for i := range events {
		events[i] = turnEvent(t, fmt.Sprintf("session-%d", i%1000), i)
		data, err := json.Marshal(events[i])
		require.NoError(t, err)
		jsonSize += len(data)
	}
	f := blockingSender(make(chan struct{}))
	q, err := startQueue(f, WithFlushInterval(time.Hour), WithMaxQueueEvents(n), WithMaxQueueBytes(1<<30))
	require.NoError(t, err)
	before := heapBytes()
	for _, ev := range events {
		require.True(t, q.Enqueue(ev))
	}
	held := heapBytes() - before
	pending := q.Stats().PendingBytes
	runtime.KeepAlive(events)
	perJSON := float64(held) / float64(jsonSize)
	perBound := float64(held) / float64(pending)
	t.Logf("%d events, %d bytes of JSON (%.0f B/event): heap holds %d bytes = %.3fx the JSON, %.3fx PendingBytes (%d)",
		n, jsonSize, float64(jsonSize)/n, held, perJSON, perBound, pending)
	close(f)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, q.Shutdown(ctx))
	assert.LessOrEqual(t, perJSON, 1.1, "heap held per byte of JSON")
	assert.LessOrEqual(t, perBound, 1.02, "heap held per byte the bound counts")
}
