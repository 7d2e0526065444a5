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

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
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
// JSON for realistic turn events, and for any event no more than its byte
// bound counts (PendingBytes, which includes a 12-byte header per event)
// but a fixed slack: the partly used chunks at the ends of each lane and
// the lanes' batch slices, well under 1 MiB.
func TestQueueMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	for _, tc := range []struct {
		name    string
		event   func(t testing.TB, session string, i int) mindlytics.Event
		perJSON float64
	}{
		{"turn", turnEvent, 1.1},
		{"small track", trackEvent, 1.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			held, jsonSize, pending := queueMemory(t, 100_000, tc.event)
			assert.LessOrEqual(t, float64(held)/float64(jsonSize), tc.perJSON, "heap held per byte of JSON")
			assert.LessOrEqual(t, held, pending+1<<20, "heap held against what the bound counts")
		})
	}
}

// queueMemory queues n events and returns the heap they hold, the size of
// their JSON and the queue's PendingBytes.
func queueMemory(t *testing.T, n int, event func(t testing.TB, session string, i int) mindlytics.Event) (held, jsonSize, pending int64) {
	events := make([]mindlytics.Event, n)
	for i := range events {
		events[i] = event(t, fmt.Sprintf("session-%d", i%1000), i)
		data, err := json.Marshal(events[i])
		require.NoError(t, err)
		jsonSize += int64(len(data))
	}
	f := blockingSender(make(chan struct{}))
	q, err := startQueue(f, WithFlushInterval(time.Hour), WithMaxQueueEvents(n), WithMaxQueueBytes(1<<30))
	require.NoError(t, err)
	before := heapBytes()
	for _, ev := range events {
		require.True(t, q.Enqueue(compact.Of(ev)))
	}
	held = heapBytes() - before
	pending = q.Stats().PendingBytes
	runtime.KeepAlive(events)
	perJSON := float64(held) / float64(jsonSize)
	perBound := float64(held) / float64(pending)
	t.Logf("%d events, %d bytes of JSON (%.0f B/event): heap holds %d bytes = %.3fx the JSON, %.3fx PendingBytes (%d)",
		n, jsonSize, float64(jsonSize)/float64(n), held, perJSON, perBound, pending)
	close(f)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, q.Shutdown(ctx))
	return held, jsonSize, pending
}
