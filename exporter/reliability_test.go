package exporter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// seqSpans makes track spans of session, carrying seq from..to-1.
func seqSpans(session string, from, to int) []sdktrace.ReadOnlySpan {
	rec := newRecorder()
	for i := from; i < to; i++ {
		_, s := rec.tracer.Start(context.Background(), "track", trace.WithAttributes(semconv.SessionID(session),
			semconv.UserID("u1"), semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName("step"),
			semconv.Property("seq", i)))
		s.End()
	}
	return rec.ended()
}

// errorCounts sums the Count of the error list's entries by kind.
func errorCounts(exp *exporter.Exporter) map[exporter.ErrorKind]int {
	out := map[exporter.ErrorKind]int{}
	for _, e := range exp.Errors() {
		out[e.Kind] += e.Count
	}
	return out
}

// TestSoak runs the exporter against a flapping service for a bounded
// time: 500s, 429 with Retry-After, dropped connections, latency and a
// restart (an outage that closes every connection). At the end, delivered
// + failed + dropped = produced exactly, every failure and drop is in the
// error list, and each session's events arrived once, in order.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: bounded, but seconds long")
	}
	const (
		sessions = 24
		rounds   = 40
		perRound = 5
		pace     = 150 * time.Millisecond // 40 rounds: about 6 s of production
	)
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv, exporter.WithRetry(20*time.Millisecond, 500*time.Millisecond, 2*time.Minute),
		exporter.WithErrorHandler(func(error) {}))
	srv.SetLatency(3 * time.Millisecond)
	srv.FailRandomly(0.15, 503, 7) // transient; a 500 is the delivery rule's (internal/delivery)

	for r := range rounds {
		switch r {
		case 5:
			srv.Throttle(6, time.Second)
		case 10:
			srv.DropConnections(10)
		case 18:
			srv.Down(700 * time.Millisecond) // the restart
		case 25:
			srv.FailNext(502, 503, 504, 500)
		case 30:
			srv.SetLatency(40 * time.Millisecond)
		}
		for s := range sessions {
			require.NoError(t, exp.ExportSpans(context.Background(), seqSpans(fmt.Sprintf("soak-%02d", s), r*perRound, (r+1)*perRound)))
		}
		time.Sleep(pace)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, exp.Shutdown(ctx))

	st := exp.Stats()
	t.Logf("stats %+v, server requests %d", st, len(srv.Requests()))
	require.Equal(t, st.Enqueued, st.Sent+st.Failed+st.Dropped, "every event accounted for")
	require.Zero(t, st.Pending)
	assert.Equal(t, int(st.Sent), len(srv.Events()), "delivered = what the service accepted, no double")
	counts := errorCounts(exp)
	assert.Equal(t, int(st.Failed), counts[exporter.ErrorRejected]+counts[exporter.ErrorUndelivered])
	assert.Equal(t, int(st.Dropped), counts[exporter.ErrorDropped])
	// produced: per session a start_session, the tracks, an end_session.
	assert.Equal(t, int64(sessions*(rounds*perRound+2)), st.Enqueued)
	assert.Positive(t, st.Retries)

	assert.Empty(t, srv.Violations())
	for s := range sessions {
		last := -1
		for _, ev := range srv.SessionEvents(fmt.Sprintf("soak-%02d", s)) {
			if ev.Type != mindlytics.TypeTrack {
				continue
			}
			n, err := ev.Properties["seq"].(json.Number).Int64()
			require.NoError(t, err)
			require.Equal(t, last+1, int(n), "session %d: order or loss", s)
			last = int(n)
		}
		if st.Failed == 0 && st.Dropped == 0 {
			assert.Equal(t, rounds*perRound-1, last, "session %d complete", s)
		}
	}
}

// heapBytes is the live heap as runtime/metrics measures it.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestOverload: the producer outpaces the service tenfold. ExportSpans
// never blocks, the queue stays within its bounds (events and memory,
// measured with runtime/metrics), and what is dropped is counted and in
// the error list.
func TestOverload(t *testing.T) {
	const (
		maxQueueEvents = 2_000
		maxQueueBytes  = 1 << 20
		duration       = 2 * time.Second
	)
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	// The service: 4 lanes × 20 events per 40 ms request ≈ 2,000 events/s.
	srv.SetLatency(40 * time.Millisecond)
	exp := newExporter(t, srv, exporter.WithMaxRequestEvents(20), exporter.WithRequestsInFlight(4),
		exporter.WithMaxQueueEvents(maxQueueEvents), exporter.WithMaxQueueBytes(maxQueueBytes),
		exporter.WithErrorHandler(func(error) {}))

	runtime.GC()
	base := heapBytes()
	var (
		peakHeap    uint64
		peakPending int64
		slowest     time.Duration
		produced    int
	)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // sample memory and the queue
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				peakHeap = max(peakHeap, heapBytes())
				peakPending = max(peakPending, exp.Stats().Pending)
			}
		}
	}()
	// The producer: about 20,000 events/s, ten times what the service takes.
	spans := seqSpans("over", 0, 200)
	end := time.Now().Add(duration)
	for i := 0; time.Now().Before(end); i++ {
		start := time.Now()
		require.NoError(t, exp.ExportSpans(context.Background(), spans))
		slowest = max(slowest, time.Since(start))
		produced += len(spans)
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, exp.Shutdown(ctx))

	st := exp.Stats()
	grown := int64(peakHeap) - int64(base)
	t.Logf("produced %d spans in %v; stats %+v; peak pending %d; heap grew %d KiB at most; slowest ExportSpans %v",
		produced, duration, st, peakPending, grown>>10, slowest)
	assert.Equal(t, st.Enqueued, st.Sent+st.Failed+st.Dropped)
	// Enqueue reserves its place before it checks the bound, so a sample may
	// catch one reservation being rolled back: one producer, one over.
	assert.LessOrEqual(t, peakPending, int64(maxQueueEvents+1))
	assert.Greater(t, st.Dropped, st.Sent, "most of a tenfold overload is dropped")
	assert.Equal(t, int(st.Dropped), errorCounts(exp)[exporter.ErrorDropped], "every drop is in the error list")
	// Not a speed check: a blocked ExportSpans would wait for the 40 ms
	// requests of a full queue, for seconds; the bound is generous for a
	// loaded machine with the race detector.
	assert.Less(t, slowest, time.Second, "ExportSpans blocked")
	// The queue holds at most 1 MiB of encoded events; the heap (spans in
	// flight, the decoder, the race detector's shadow) stays within a
	// small multiple of it.
	assert.Less(t, grown, int64(32*maxQueueBytes), "heap grew %d bytes", grown)
}
