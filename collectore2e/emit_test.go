package collectore2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// emitter is a Go program's tracing set-up: the OTel SDK exporting OTLP
// over HTTP to a collector.
type emitter struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
}

func newEmitter(t *testing.T, endpoint string) *emitter {
	t.Helper()
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "e2e-chatbot"))),
	)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &emitter{tp: tp, tracer: tp.Tracer("e2e")}
}

// flush sends every ended span to the collector.
func (e *emitter) flush(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, e.tp.ForceFlush(ctx))
}

// span records one span from start to end (offsets from base) under
// parent, with the attributes.
func (e *emitter) span(parent context.Context, name string, base time.Time, start, end time.Duration, attrs ...attribute.KeyValue) context.Context {
	ctx, sp := e.tracer.Start(parent, name, trace.WithTimestamp(base.Add(start)), trace.WithAttributes(attrs...))
	sp.End(trace.WithTimestamp(base.Add(end)))
	return ctx
}

// conventionSession emits a session written with our conventions: an
// explicit start, a turn and a function call in a named conversation, a
// user-defined event, an explicit end. Every span carries the identity, as
// the routing of a scaled-out deployment needs.
func (e *emitter) conventionSession(sessionID, userID string, base time.Time) {
	id := []attribute.KeyValue{semconv.SessionID(sessionID), semconv.UserID(userID)}
	with := func(kvs ...attribute.KeyValue) []attribute.KeyValue { return append(kvs, id...) }
	root := e.span(context.Background(), conventions.SpanNameSessionStart, base, 0, 10*time.Millisecond,
		with(semconv.MindlyticsEvent(semconv.EventSessionStart), semconv.Attribute("plan", "pro"))...)
	e.span(root, "weather turn", base, time.Second, 2*time.Second, with(
		semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.ConversationID("conv-"+sessionID),
		semconv.TurnUser("What's the weather in Paris?"),
		semconv.TurnAssistant("Sunny, 24°C."),
		semconv.RequestModel("gpt-4o"),
		semconv.InputTokens(12),
		semconv.OutputTokens(5),
		semconv.AgentID("weather-bot"),
	)...)
	e.span(root, semconv.ExecuteToolSpanName("get_weather"), base, 1200*time.Millisecond, 1500*time.Millisecond, with(
		semconv.MindlyticsEvent(semconv.EventFunction),
		semconv.ConversationID("conv-"+sessionID),
		semconv.ToolName("get_weather"),
		semconv.ToolCallArguments(`{"city":"Paris"}`),
		semconv.ToolCallResult("sunny"),
	)...)
	e.span(root, conventions.TrackSpanName("Feedback Given"), base, 3*time.Second, 3*time.Second, with(
		semconv.MindlyticsEvent(semconv.EventTrack),
		semconv.EventName("Feedback Given"),
		semconv.Property("rating", 5),
	)...)
	e.span(root, conventions.SpanNameSessionEnd, base, 4*time.Second, 4*time.Second,
		with(semconv.MindlyticsEvent(semconv.EventSessionEnd))...)
}

// genAISession emits an agent run instrumented with the OTel GenAI
// conventions only: an invoke_agent wrapper, a chat call with its messages
// and usage, a tool execution. Nothing ends the session: the collector
// does, when it shuts down.
func (e *emitter) genAISession(sessionID, userID string, base time.Time) {
	id := []attribute.KeyValue{semconv.SessionID(sessionID), semconv.UserID(userID)}
	with := func(kvs ...attribute.KeyValue) []attribute.KeyValue { return append(kvs, id...) }
	root := e.span(context.Background(), "invoke_agent travel-agent", base, 0, 5*time.Second, with(
		semconv.OperationName(semconv.GenAIOperationInvokeAgent),
		attribute.String("gen_ai.agent.name", "travel-agent"),
	)...)
	e.span(root, semconv.ChatSpanName("claude-sonnet-4"), base, time.Second, 3*time.Second, with(
		semconv.OperationName(semconv.GenAIOperationChat),
		conventions.GenAIProviderNameKey.String("anthropic"),
		semconv.RequestModel("claude-sonnet-4"),
		semconv.ResponseModel("claude-sonnet-4-20250514"),
		semconv.InputTokens(40),
		semconv.OutputTokens(9),
		conventions.GenAIInputMessagesKey.String(`[{"role":"system","parts":[{"type":"text","content":"You plan trips."}]},{"role":"user","parts":[{"type":"text","content":"A weekend in Lisbon?"}]}]`),
		conventions.GenAIOutputMessagesKey.String(`[{"role":"assistant","parts":[{"type":"text","content":"Day 1: Alfama. Day 2: Belém."}],"finish_reason":"stop"}]`),
	)...)
	e.span(root, semconv.ExecuteToolSpanName("book_hotel"), base, 3500*time.Millisecond, 4*time.Second, with(
		semconv.OperationName(semconv.GenAIOperationExecuteTool),
		semconv.ToolName("book_hotel"),
		semconv.ToolCallArguments(`{"city":"Lisbon","nights":2}`),
		semconv.ToolCallResult("booked"),
	)...)
}
