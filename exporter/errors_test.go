package exporter_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// trackSpans makes n track spans of session, ended.
func trackSpans(t *testing.T, session string, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	rec := newRecorder()
	for i := range n {
		_, s := rec.tracer.Start(context.Background(), "track", trace.WithAttributes(semconv.SessionID(session),
			semconv.UserID("u1"), semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName(fmt.Sprintf("E%d", i))))
		s.End()
	}
	return rec.ended()
}

// unreachableURL is an address nothing listens on.
func unreachableURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// A Shutdown on a context without deadline gives up after the shutdown
// timeout, counts what it could not deliver as dropped, and says how many.
func TestShutdownWithoutDeadlineIsBounded(t *testing.T) {
	assert.LessOrEqual(t, exporter.DefaultShutdownTimeout, 30*time.Second)
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(unreachableURL(t)), exporter.WithAPIKey("k"), exporter.WithProjectID("p"),
		exporter.WithShutdownTimeout(300*time.Millisecond), exporter.WithErrorHandler(func(error) {}))
	require.NoError(t, err)
	require.NoError(t, exp.ExportSpans(context.Background(), trackSpans(t, "s1", 5)))

	done := make(chan error, 1)
	go func() { done <- exp.Shutdown(context.Background()) }()
	var shutdownErr error
	select {
	case shutdownErr = <-done:
	case <-time.After(testkit.Wait):
		t.Fatal("Shutdown(context.Background()) did not return: the retry budget held it")
	}
	// start_session, 5 tracks, end_session: 7 events, none delivered.
	require.Error(t, shutdownErr)
	assert.Contains(t, shutdownErr.Error(), "7 events not delivered before the deadline, dropped")
	s := exp.Stats()
	assert.Equal(t, int64(7), s.Dropped)
	assert.Equal(t, s.Enqueued, s.Sent+s.Failed+s.Dropped)
	var dropped int
	for _, e := range exp.Errors() {
		if e.Kind == exporter.ErrorDropped {
			dropped += e.Count
		}
	}
	assert.Equal(t, 7, dropped)
}

// With no handler set, errors reach the OTel global error handler, each
// kind at most once per interval however often it happens.
func TestErrorsReachTheGlobalHandlerByDefault(t *testing.T) {
	got := &testkit.Recorder[error]{}
	otel.SetErrorHandler(otel.ErrorHandlerFunc(got.Add))
	t.Cleanup(func() { otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {})) })

	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp, err := exporter.New(context.Background(), exporter.WithServerBase(srv.URL),
		exporter.WithAPIKey("sk-wrong-key-0123"), exporter.WithProjectID(srv.ProjectID),
		exporter.WithFlushInterval(time.Millisecond))
	require.NoError(t, err)
	for i := range 5 {
		require.NoError(t, exp.ExportSpans(context.Background(), trackSpans(t, fmt.Sprintf("s%d", i), 1)))
		require.ErrorIs(t, exp.ForceFlush(context.Background()), exporter.ErrLost, "each flush tells its refusals")
	}
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))

	errs := got.All()
	require.Len(t, errs, 1, "five refused requests, one report: %v", errs)
	var e *exporter.Error
	require.ErrorAs(t, errs[0], &e)
	assert.Equal(t, exporter.ErrorRejected, e.Kind)
	assert.Equal(t, 403, e.StatusCode)
	assert.NotContains(t, errs[0].Error(), "sk-wrong-key-0123")

	list := exp.Errors()
	require.Len(t, list, 1, "one entry per kind and reason")
	assert.Equal(t, 5*3, list[0].Count, "start, track and end of five sessions, all refused, counted in one entry")
}

// The user's options never disable the exporter's own hooks.
func TestUserOptionsKeepTheErrorHandler(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	got := &testkit.Recorder[error]{}
	exp := newExporter(t, srv,
		exporter.WithErrorHandler(got.Add),
		exporter.WithClientOptions(mindlytics.WithLogger(nil), mindlytics.WithUserAgent("app/1")),
		exporter.WithLogger(nil),
		exporter.WithMaxRequestEvents(1),
	)
	spans := trackSpans(t, "s1", 1)
	require.NoError(t, exp.ExportSpans(context.Background(), append(spans, invalidSpan(t))))
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	require.Equal(t, 1, got.Len(), "%v", got.All())
	var e *exporter.Error
	require.ErrorAs(t, got.All()[0], &e)
	assert.Equal(t, exporter.ErrorInvalidSpan, e.Kind)
	assert.Len(t, srv.SessionEvents("s1"), 3, "its batch-mates were delivered")
}

// A slow handler never slows ExportSpans: it runs on the exporter's own
// goroutine.
func TestSlowHandlerNeverBlocksExportSpans(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	exp := newExporter(t, srv, exporter.WithErrorHandler(func(error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
	}))
	for range 3 { // the handler holds on the first; the rest must not wait for it
		require.NoError(t, exp.ExportSpans(context.Background(), []sdktrace.ReadOnlySpan{invalidSpan(t)}))
	}
	testkit.Receive(t, entered, "the handler call")
	close(release)
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	require.Len(t, exp.Errors(), 1)
	assert.Equal(t, 3, exp.Errors()[0].Count)
}

// Spans exported after Shutdown are counted, not silently lost.
func TestExportAfterShutdownIsReported(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv, exporter.WithErrorHandler(func(error) {}))
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	require.NoError(t, exp.ExportSpans(context.Background(), trackSpans(t, "late", 4)))
	errs := exp.Errors()
	require.Len(t, errs, 1)
	assert.Equal(t, exporter.ErrorDropped, errs[0].Kind)
	assert.Equal(t, 4, errs[0].Count)
	assert.Equal(t, "mindlytics exporter: 4 event(s) dropped: exporter shut down", errs[0].Error())
	assert.NoError(t, exp.Shutdown(context.Background()), "a second Shutdown returns the first's result")
}

// invalidSpan is a turn without assistant text: the translation drops it
// with a reason.
func invalidSpan(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	rec := newRecorder()
	_, s := rec.tracer.Start(context.Background(), "turn", trace.WithAttributes(semconv.SessionID("bad"),
		semconv.UserID("u1"), semconv.MindlyticsEvent(semconv.EventTurn), semconv.TurnUser("q")))
	s.End()
	return rec.ended()[0]
}

// spanRecorder records ended SDK spans.
type spanRecorder struct {
	rec    *tracetest.SpanRecorder
	tracer trace.Tracer
}

func newRecorder() spanRecorder {
	rec := tracetest.NewSpanRecorder()
	return spanRecorder{rec: rec, tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("test")}
}

func (r spanRecorder) ended() []sdktrace.ReadOnlySpan { return r.rec.Ended() }

// A model call outside any session (an LLM client called with
// context.Background()) becomes a session of its trace, is delivered, and
// the error handler hears once what to fix.
func TestCallOutsideASessionIsSaidOnce(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	got := &testkit.Recorder[error]{}
	exp := newExporter(t, srv, exporter.WithErrorHandler(got.Add))
	for range 3 {
		rec := newRecorder()
		_, s := rec.tracer.Start(context.Background(), "chat gpt-4o", trace.WithAttributes(
			semconv.OperationName(semconv.GenAIOperationChat), semconv.RequestModel("gpt-4o"),
			semconv.InputTokens(10), semconv.OutputTokens(2), semconv.TurnUser("q"), semconv.TurnAssistant("a")))
		s.End()
		require.NoError(t, exp.ExportSpans(context.Background(), rec.ended()))
	}
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	require.Equal(t, 1, got.Len(), "said once: %v", got.All())
	var e *exporter.Error
	require.ErrorAs(t, got.All()[0], &e)
	assert.Equal(t, exporter.ErrorNoSession, e.Kind)
	assert.Contains(t, e.Error(), "call the LLM client with the session's context")
	turns := 0
	for _, ev := range srv.Events() {
		if ev.Event == mindlytics.EventConversationTurn {
			turns++
		}
	}
	assert.Equal(t, 3, turns, "each call delivered, in a session of its trace")
}
