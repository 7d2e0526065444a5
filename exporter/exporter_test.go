package exporter_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

func TestMain(m *testing.M) {
	if os.Getenv(sinkProcessEnv) != "" {
		runSinkProcess()
	}
	goleak.VerifyTestMain(m)
}

// newExporter builds an exporter sending to srv with quick flushes.
func newExporter(t *testing.T, srv *mindlyticstest.Server, opts ...exporter.Option) *exporter.Exporter {
	t.Helper()
	base := []exporter.Option{
		exporter.WithServerBase(srv.URL), exporter.WithAPIKey(srv.APIKey), exporter.WithProjectID(srv.ProjectID),
		exporter.WithFlushInterval(20 * time.Millisecond),
	}
	exp, err := exporter.New(context.Background(), append(base, opts...)...)
	require.NoError(t, err)
	return exp
}

func TestIdleSessionIsEndedInOrderWithSpanTimestamps(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv,
		exporter.WithConversationIdleTimeout(300*time.Millisecond),
		exporter.WithSessionIdleTimeout(600*time.Millisecond),
		exporter.WithIdleCheckInterval(50*time.Millisecond),
	)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tracer := tp.Tracer("test")

	ids := []attribute.KeyValue{semconv.SessionID("s-idle"), semconv.UserID("u1"), semconv.ConversationID("c1")}
	start := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	at := func(i int) time.Time { return start.Add(time.Duration(i) * 10 * time.Millisecond) }
	emit := func(i int, name string, attrs ...attribute.KeyValue) {
		_, s := tracer.Start(context.Background(), name, trace.WithTimestamp(at(i)), trace.WithAttributes(append(attrs, ids...)...))
		s.End(trace.WithTimestamp(at(i + 1)))
	}
	emit(0, conventions.SpanNameSessionStart, semconv.MindlyticsEvent(semconv.EventSessionStart))
	for i := 1; i <= 3; i++ {
		emit(i*2, "chat", semconv.MindlyticsEvent(semconv.EventTurn),
			semconv.TurnUser("question"), semconv.TurnAssistant("answer"))
	}
	emit(8, semconv.ExecuteToolSpanName("lookup"), semconv.OperationName(semconv.GenAIOperationExecuteTool),
		semconv.ToolName("lookup"), semconv.ToolCallArguments(`{"q":1}`))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := waitForSession(ctx, srv, "s-idle", 8)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"start_session", "track:Conversation Started",
		"track:Conversation Turn", "track:Conversation Turn", "track:Conversation Turn",
		"track:Conversation Function", "track:Conversation Ended", "end_session",
	}, testkit.Kinds(events))
	assert.Equal(t, wire.FormatTimestamp(at(0)), events[0].Timestamp, "session starts at its span's start")
	assert.Equal(t, wire.FormatTimestamp(at(3)), events[2].Timestamp, "a turn happens when its span ends")
	assert.Equal(t, json.Number("10"), events[5].Properties["runtime"], "runtime is the span's duration in ms")
	assert.Empty(t, srv.Violations())

	require.NoError(t, tp.Shutdown(ctx))
	assert.Len(t, srv.SessionEvents("s-idle"), 8, "shutdown ends nothing twice")
	assert.Empty(t, exp.Errors())
}

// waitForSession polls until the session has n events or ctx ends.
func waitForSession(ctx context.Context, srv *mindlyticstest.Server, session string, n int) ([]mindlytics.Event, error) {
	for {
		events := srv.SessionEvents(session)
		if len(events) >= n {
			return events, nil
		}
		select {
		case <-ctx.Done():
			return events, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestShutdownDeliversAndEndsOpenSessions(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("test")
	for i := range 50 {
		_, s := tracer.Start(context.Background(), "turn", trace.WithAttributes(
			semconv.SessionID("s-shutdown"), semconv.UserID("u1"), semconv.ConversationID("c1"),
			semconv.MindlyticsEvent(semconv.EventTurn), semconv.TurnUser("q"), semconv.TurnAssistant("a"),
			attribute.Int("n", i)))
		s.End()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tp.Shutdown(ctx))

	got := testkit.Kinds(srv.SessionEvents("s-shutdown"))
	require.Len(t, got, 54)
	assert.Equal(t, []string{"start_session", "track:Conversation Started"}, got[:2])
	assert.Equal(t, []string{"track:Conversation Ended", "end_session"}, got[52:])
	assert.Empty(t, srv.Violations())
	stats := exp.Stats()
	assert.Equal(t, int64(54), stats.Sent)
	assert.Zero(t, stats.Pending)

	// After shutdown, exports are ignored quickly and Shutdown is idempotent.
	_, s := tracer.Start(context.Background(), "late")
	s.End()
	assert.NoError(t, exp.ExportSpans(ctx, nil))
	assert.NoError(t, exp.Shutdown(ctx))
}

func TestBadSpanIsReportedAndItsBatchMatesDelivered(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	var (
		mu      sync.Mutex
		handled []error
	)
	exp := newExporter(t, srv, exporter.WithErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, err)
	}))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("test")
	emit := func(session, event string) {
		_, s := tracer.Start(context.Background(), "track", trace.WithAttributes(semconv.SessionID(session),
			semconv.UserID("u1"), semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName(event)))
		s.End()
	}
	emit("s-good", "First")
	emit("s-good", strings.Repeat("x", 101)) // a name longer than the service allows
	emit("s-good", "Second")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tp.Shutdown(ctx))

	assert.Equal(t, []string{"start_session", "track:First", "track:Second", "end_session"}, testkit.Kinds(srv.SessionEvents("s-good")))
	require.NotEmpty(t, exp.Errors())
	errs := exp.Errors()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "event")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, handled, 1)
	assert.Equal(t, errs[0].Error(), handled[0].Error())
}

func TestRejectedKeyNeverAppearsInErrors(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	const wrongKey = "sk-live-wrong-0123456789"
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(srv.URL), exporter.WithAPIKey(wrongKey), exporter.WithProjectID(srv.ProjectID),
		exporter.WithFlushInterval(10*time.Millisecond))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, s := tp.Tracer("test").Start(context.Background(), "track", trace.WithAttributes(semconv.SessionID("s1"),
		semconv.DeviceID("d1"), semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName("Hello")))
	s.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tp.Shutdown(ctx))

	require.NotEmpty(t, exp.Errors())
	for _, e := range exp.Errors() {
		assert.Equal(t, 403, e.StatusCode)
		assert.NotContains(t, e.Error(), wrongKey)
	}
	assert.Empty(t, srv.Events())
}

func TestNewNeedsKeyAndProject(t *testing.T) {
	t.Setenv("MLSDK_API_KEY", "")
	t.Setenv("MLSDK_PROJECT_ID", "")
	_, err := exporter.New(context.Background())
	require.ErrorIs(t, err, mindlytics.ErrMissingAPIKey)
	const key = "sk-secret-3f9a1c"
	_, err = exporter.New(context.Background(), exporter.WithAPIKey(key))
	require.ErrorIs(t, err, mindlytics.ErrMissingProjectID)
	assert.NotContains(t, err.Error(), key)
}

// TestSpansWaitingForTheirAncestor: a model call exported before the agent
// span that has the session id waits (Stats.Waiting) and goes to the
// agent's session when it comes; one that waits in vain goes out at
// Shutdown.
func TestSpansWaitingForTheirAncestor(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, agent := tp.Tracer("t").Start(context.Background(), "invoke_agent",
		trace.WithAttributes(semconv.OperationName(semconv.GenAIOperationInvokeAgent), semconv.SessionID("s1"), semconv.UserID("u1")))
	_, call := tp.Tracer("t").Start(ctx, "chat", trace.WithAttributes(semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("q"), semconv.TurnAssistant("a")))
	call.End()
	require.NoError(t, exp.ExportSpans(context.Background(), rec.Ended()))
	require.NoError(t, exp.ForceFlush(context.Background()))
	assert.Equal(t, int64(1), exp.Stats().Waiting)
	assert.Empty(t, srv.Events())

	agent.End()
	require.NoError(t, exp.ExportSpans(context.Background(), rec.Ended()[1:]))
	require.NoError(t, exp.ForceFlush(context.Background()))
	assert.Equal(t, int64(0), exp.Stats().Waiting)
	assert.Len(t, srv.SessionEvents("s1"), 3, "start, conversation, turn")

	// A call whose ancestor never comes goes out at Shutdown, with the
	// fallback.
	ctx, never := tp.Tracer("t").Start(context.Background(), "request")
	_, lone := tp.Tracer("t").Start(ctx, "chat", trace.WithAttributes(semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("q2"), semconv.TurnAssistant("a2"), semconv.UserID("u2")))
	lone.End()
	require.NoError(t, exp.ExportSpans(context.Background(), rec.Ended()[2:]))
	assert.Equal(t, int64(1), exp.Stats().Waiting)
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	assert.Equal(t, int64(0), exp.Stats().Waiting)
	assert.Len(t, srv.SessionEvents(never.SpanContext().TraceID().String()), 5, "the trace's session: its start, the conversation's start, the turn, their ends")
	never.End()
}
