package genaitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Identity of the session the pipeline's turns belong to.
const (
	SessionID      = "sess-42"
	UserID         = "user-7"
	ConversationID = "conv-1"
)

// Pipeline is a TracerProvider whose spans go both to a recorder (to assert
// attributes) and through the real exporter to a loopback Mindlytics.
type Pipeline struct {
	TP         *sdktrace.TracerProvider
	Recorder   *tracetest.SpanRecorder
	Mindlytics *mindlyticstest.Server
	Exporter   *exporter.Exporter
}

// NewPipeline builds a pipeline that closes with the test.
func NewPipeline(tb testing.TB) *Pipeline {
	tb.Helper()
	srv := mindlyticstest.NewServer()
	tb.Cleanup(srv.Close)
	exp, err := exporter.New(context.Background(),
		exporter.WithServerBase(srv.URL), exporter.WithAPIKey(srv.APIKey), exporter.WithProjectID(srv.ProjectID))
	require.NoError(tb, err)
	rec := tracetest.NewSpanRecorder()
	// One batch for the whole test: spans without a session id take it from
	// their trace's root within the same export.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec),
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Hour), sdktrace.WithMaxExportBatchSize(4096)))
	p := &Pipeline{TP: tp, Recorder: rec, Mindlytics: srv, Exporter: exp}
	tb.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return p
}

// Turn runs fn inside the span an app (or package instrument) makes around
// one user turn: an agent span carrying the session's identity. The
// translation counts no usage on it.
func (p *Pipeline) Turn(ctx context.Context, fn func(ctx context.Context)) {
	ctx, span := p.TP.Tracer("app").Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		sc.SessionID(SessionID), sc.UserID(UserID), sc.ConversationID(ConversationID),
		sc.OperationName(sc.GenAIOperationInvokeAgent)))
	defer span.End()
	fn(ctx)
}

// Tool runs a tool as an app does: an execute_tool span with the GenAI
// tool keys.
func (p *Pipeline) Tool(ctx context.Context, name, callID, args, result string) {
	_, span := p.TP.Tracer("app").Start(ctx, sc.ExecuteToolSpanName(name), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName(name),
		attribute.String("gen_ai.tool.call.id", callID), sc.ToolCallArguments(args)))
	time.Sleep(time.Millisecond) // a runtime to see
	span.SetAttributes(sc.ToolCallResult(result))
	span.End()
}

// Events flushes everything and returns the events of the session that
// reached Mindlytics, checking that none failed and none came out of order.
func (p *Pipeline) Events(tb testing.TB) []mindlytics.Event {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(tb, p.TP.Shutdown(ctx))
	require.Empty(tb, p.Exporter.Errors())
	require.Empty(tb, p.Mindlytics.Violations())
	return p.Mindlytics.SessionEvents(SessionID)
}

// Named returns the events called name.
func Named(events []mindlytics.Event, name string) []mindlytics.Event {
	var out []mindlytics.Event
	for _, ev := range events {
		if ev.Event == name {
			out = append(out, ev)
		}
	}
	return out
}

// ModelSpans returns the ended spans of the helper's scope.
func (p *Pipeline) ModelSpans(scope string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range p.Recorder.Ended() {
		if s.InstrumentationScope().Name == scope {
			out = append(out, s)
		}
	}
	return out
}

// Attrs returns a span's attributes by key.
func Attrs(s sdktrace.ReadOnlySpan) map[string]attribute.Value {
	m := make(map[string]attribute.Value, len(s.Attributes()))
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// AssertContentOff checks what content capture off leaves of one call
// answered with ChatText: the helper's span has no message content but its
// usage, and Mindlytics gets the call's usage and no turn.
func (p *Pipeline) AssertContentOff(tb testing.TB, scope string) {
	tb.Helper()
	spans := p.ModelSpans(scope)
	require.Len(tb, spans, 1)
	a := Attrs(spans[0])
	for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"} {
		assert.NotContains(tb, a, k)
	}
	assert.Equal(tb, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	events := p.Events(tb)
	assert.Empty(tb, Named(events, mindlytics.EventConversationTurn))
	assert.Len(tb, Named(events, mindlytics.EventConversationUsage), 1)
}

// RedactCity is a redactor that hides "Paris" in the user's texts.
func RedactCity(role, s string) string {
	if role == "user" {
		return strings.ReplaceAll(s, "Paris", "[city]")
	}
	return s
}

// AssertRedacted checks one call asking "What's the weather in Paris?",
// answered with ChatText, made with RedactCity: the request sent is the
// caller's, the turn's user text is redacted, the assistant's is not.
func (p *Pipeline) AssertRedacted(tb testing.TB, fake *Server) {
	tb.Helper()
	assert.Contains(tb, fake.Requests()[0].Body, "Paris", "the request sent is the caller's")
	turns := Named(p.Events(tb), mindlytics.EventConversationTurn)
	require.Len(tb, turns, 1)
	assert.Equal(tb, "What's the weather in [city]?", turns[0].Properties["user"])
	assert.Equal(tb, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
}
