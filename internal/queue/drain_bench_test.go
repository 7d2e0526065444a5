package queue

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// drainEvents is how many events BenchmarkShutdownDrain queues: the
// default bound on queued events.
const drainEvents = DefaultMaxQueueEvents

// BenchmarkShutdownDrain measures Shutdown delivering 100,000 queued events
// through the real wire client to a loopback sink that reads and discards
// each body: one op is one full drain (about 0.1 s is the goal). Enqueueing
// is not timed; the sink holds its first requests until Shutdown begins,
// so that the lanes cannot send while events are queued.
func BenchmarkShutdownDrain(b *testing.B) {
	var gate atomic.Pointer[chan struct{}]
	var dials atomic.Int64
	sink := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-*gate.Load()
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	// dials/op counts the connections the sink saw opened during drains:
	// with idle room for every lane, about none after the first.
	sink.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	sink.Start()
	defer sink.Close()
	client, err := mindlytics.NewClient(mindlytics.WithServerBase(sink.URL),
		mindlytics.WithAPIKey("bench-key"), mindlytics.WithProjectID("bench"))
	require.NoError(b, err)
	defer client.CloseIdleConnections()
	events := make([]mindlytics.Event, 1000)
	for i := range events {
		events[i] = turnEvent(b, fmt.Sprintf("session-%d", i), i)
	}
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		open := make(chan struct{})
		gate.Store(&open)
		q, err := New(client, WithFlushInterval(time.Hour))
		require.NoError(b, err)
		for i := range drainEvents {
			if !q.Enqueue(compact.Of(events[i%len(events)])) {
				b.Fatalf("event %d dropped", i)
			}
		}
		b.StartTimer()
		close(open)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		require.NoError(b, q.Shutdown(ctx))
		cancel()
		if s := q.Stats(); s.Sent != drainEvents {
			b.Fatalf("sent %d of %d: %+v", s.Sent, drainEvents, s)
		}
	}
	b.ReportMetric(float64(dials.Load())/float64(b.N), "dials/op")
}

// turnEvent is a realistic "Conversation Turn" event of about 300 bytes.
func turnEvent(t testing.TB, session string, i int) mindlytics.Event {
	t.Helper()
	ev, err := mindlytics.ConversationTurn(
		mindlytics.Identity{SessionID: session, UserID: "user-1", Time: time.Unix(1_700_000_000, int64(i)*1000)},
		"conv-"+session, mindlytics.Turn{
			User:      fmt.Sprintf("Where is my order #%d? It was due yesterday.", i),
			Assistant: "Your order shipped this morning and should arrive on Friday.",
			Model:     "gpt-4o", PromptTokens: 120, CompletionTokens: int64(i % 500)})
	require.NoError(t, err)
	return ev
}
