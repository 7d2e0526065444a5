package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// nopSender accepts every batch at once.
type nopSender struct{}

func (nopSender) SendBatch(context.Context, []json.RawMessage) error { return nil }

func benchEvents(b *testing.B) []mindlytics.Event {
	events := make([]mindlytics.Event, 64)
	for i := range events {
		ev, err := mindlytics.ConversationTurn(
			mindlytics.Identity{SessionID: fmt.Sprintf("session-%d", i), UserID: "user-1", Time: time.Now()},
			"conv-1", mindlytics.Turn{User: "What is the weather?", Assistant: "Sunny.", Model: "gpt-4o",
				PromptTokens: 12, CompletionTokens: 3})
		require.NoError(b, err)
		events[i] = ev
	}
	return events
}

func benchQueue(b *testing.B) *Queue {
	// A queue large enough that the benchmark measures Enqueue, not drops.
	q, err := New(nopSender{}, WithMaxQueueEvents(1<<24), WithMaxQueueBytes(1<<34))
	require.NoError(b, err)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		require.NoError(b, q.Shutdown(ctx))
	})
	return q
}

func BenchmarkEnqueue(b *testing.B) {
	events := benchEvents(b)
	q := benchQueue(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q.Enqueue(compact.Of(events[i%len(events)]))
		i++
	}
}

func BenchmarkEnqueueParallel(b *testing.B) {
	events := benchEvents(b)
	q := benchQueue(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			q.Enqueue(compact.Of(events[i%len(events)]))
			i++
		}
	})
}
