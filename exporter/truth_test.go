package exporter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// slowHandler takes 2 s per error (or until the test ends) and counts the
// calls.
type slowHandler struct {
	mu    sync.Mutex
	calls int
	kinds []exporter.ErrorKind
	done  chan struct{}
}

func newSlowHandler(t *testing.T) *slowHandler {
	h := &slowHandler{done: make(chan struct{})}
	t.Cleanup(func() { close(h.done) })
	return h
}

func (h *slowHandler) handle(err error) {
	h.mu.Lock()
	h.calls++
	if e, ok := err.(*exporter.Error); ok {
		h.kinds = append(h.kinds, e.Kind)
	}
	h.mu.Unlock()
	select {
	case <-time.After(2 * time.Second):
	case <-h.done:
	}
}

// TestSDKShutdownGetsTheReportDespiteASlowHandler: the README's wiring
// (WithBatcher, tp.Shutdown) with an unreachable service and an error
// handler taking 2 s per call. tp.Shutdown with a 3 s deadline returns by
// it (it took 15.5 s), returns the exporter's own report rather than a
// bare deadline error, and by then Stats and Errors account for every
// event that will not be delivered (Stats showed 2,600 pending and Errors
// was empty).
//
// Figure: go test -race -run TestSDKShutdownGetsTheReportDespiteASlowHandler -v ./exporter/
func TestSDKShutdownGetsTheReportDespiteASlowHandler(t *testing.T) {
	const sessions, perSession = 40, 50
	h := newSlowHandler(t)
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(unreachableURL(t)), exporter.WithAPIKey("k"), exporter.WithProjectID("p"),
		exporter.WithFlushInterval(10*time.Millisecond), exporter.WithErrorHandler(h.handle))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("test")
	for s := range sessions {
		for i := range perSession {
			_, span := tracer.Start(context.Background(), "track", trace.WithAttributes(
				semconv.SessionID(fmt.Sprintf("s%02d", s)), semconv.UserID("u1"),
				semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName(fmt.Sprintf("E%d", i))))
			span.End()
		}
	}
	for i := range 8 { // eight kinds of bad span: eight calls of the slow handler waiting
		_, span := tracer.Start(context.Background(), "turn", trace.WithAttributes(semconv.SessionID(fmt.Sprintf("bad%d", i)),
			semconv.MindlyticsEvent(semconv.EventTurn), semconv.TurnUser("q")))
		span.End()
	}
	time.Sleep(500 * time.Millisecond) // the requests fail and are retried

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	began := time.Now()
	err = tp.Shutdown(ctx)
	took := time.Since(began)
	s := exp.Stats() // read at once: nothing may still be on its way
	errs := exp.Errors()

	require.Error(t, err)
	assert.Contains(t, err.Error(), "events not delivered before the deadline, dropped",
		"the exporter's report, not the SDK's bare deadline error")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, took, 3*time.Second+100*time.Millisecond, "Shutdown keeps its deadline")
	assert.Zero(t, s.Pending, "%+v", s)
	assert.Equal(t, int64(sessions*(perSession+2)), s.Enqueued, "start, tracks and end of each session")
	assert.Equal(t, s.Enqueued, s.Sent+s.Failed+s.Dropped, "%+v", s)
	dropped := 0
	for _, e := range errs {
		if e.Kind == exporter.ErrorDropped {
			dropped += e.Count
		}
	}
	assert.Equal(t, int(s.Dropped), dropped, "every dropped event is in Errors(): %v", errs)
	h.mu.Lock()
	calls := h.calls
	h.mu.Unlock()
	t.Logf("tp.Shutdown with a 3 s deadline and a 2 s handler took %v: %v; stats at return %+v; handler calls %d; entries %d",
		took.Round(time.Millisecond), err, s, calls, len(errs))
}

// TestForceFlushTellsTheTruth: against a closed port, ForceFlush without a
// deadline is bounded like Shutdown (it blocked 4 min 59 s and returned
// nil) and says how many events are pending; the unreachable service is
// reported within seconds while the retries go on.
//
// Figure: go test -race -run TestForceFlushTellsTheTruth -v ./exporter/
func TestForceFlushTellsTheTruth(t *testing.T) {
	got := &testkit.Recorder[error]{}
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(unreachableURL(t)), exporter.WithAPIKey("k"), exporter.WithProjectID("p"),
		exporter.WithFlushInterval(10*time.Millisecond), exporter.WithShutdownTimeout(3*time.Second),
		exporter.WithErrorHandler(got.Add))
	require.NoError(t, err)
	require.NoError(t, exp.ExportSpans(context.Background(), trackSpans(t, "s1", 5)))

	began := time.Now()
	err = exp.ForceFlush(context.Background())
	took := time.Since(began)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "6 events still pending", "the start and five tracks; the end comes at Shutdown")
	assert.Less(t, took, 4*time.Second)

	reports := got.All()
	require.Len(t, reports, 1, "one report of the outage: %v", reports)
	var e *exporter.Error
	require.ErrorAs(t, reports[0], &e)
	assert.Equal(t, exporter.ErrorRetrying, e.Kind)
	assert.Contains(t, e.Error(), "connection refused")
	assert.Equal(t, int64(6), exp.Stats().Pending, "retrying loses nothing")
	t.Logf("ForceFlush(context.Background()) against a closed port returned after %v: %v; reported: %v",
		took.Round(time.Millisecond), err, reports[0])

	sctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	require.Error(t, exp.Shutdown(sctx))
	assert.Equal(t, int64(7), exp.Stats().Dropped)
}

// TestRedirectToPlainHTTPIsNotADelivery: the service answers 307 from
// https to http on the same host. The key is not sent in clear text, and
// the events count as rejected, not sent (they counted as delivered).
func TestRedirectToPlainHTTPIsNotADelivery(t *testing.T) {
	var reached atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer plain.Close()
	front := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer front.Close()
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(front.URL), exporter.WithAPIKey("sk-never-in-clear"), exporter.WithProjectID("p"),
		exporter.WithClientOptions(mindlytics.WithHTTPClient(front.Client())),
		exporter.WithFlushInterval(10*time.Millisecond), exporter.WithErrorHandler(func(error) {}))
	require.NoError(t, err)
	require.NoError(t, exp.ExportSpans(context.Background(), trackSpans(t, "s1", 3)))
	require.ErrorIs(t, exp.ForceFlush(testkit.Context(t, testkit.Wait)), exporter.ErrLost)
	s := exp.Stats()
	assert.Zero(t, s.Sent)
	assert.Equal(t, int64(4), s.Failed, "start and three tracks")
	assert.Zero(t, reached.Load(), "nothing went over plain http")
	errs := exp.Errors()
	require.Len(t, errs, 1)
	assert.Equal(t, exporter.ErrorRejected, errs[0].Kind)
	assert.Equal(t, http.StatusTemporaryRedirect, errs[0].StatusCode)
	assert.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	t.Logf("in process, 307 from https to http: %v", &errs[0])
}
