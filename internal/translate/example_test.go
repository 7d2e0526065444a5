package translate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// A model call with the OTel GenAI message attributes becomes a turn; the
// translator starts the session and its default conversation first.
func Example() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	start := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	_, span := tp.Tracer("app").Start(context.Background(), "chat gpt-4o", trace.WithTimestamp(start),
		trace.WithAttributes(
			semconv.SessionID("s-42"), semconv.UserID("u-7"),
			semconv.OperationName(semconv.GenAIOperationChat), semconv.ResponseModel("gpt-4o"),
			semconv.InputTokens(12), semconv.OutputTokens(3),
			conventions.GenAIInputMessagesKey.String(`[{"role":"user","parts":[{"type":"text","content":"Hi!"}]}]`),
			conventions.GenAIOutputMessagesKey.String(`[{"role":"assistant","parts":[{"type":"text","content":"Hello."}]}]`),
		))
	span.End(trace.WithTimestamp(start.Add(time.Second)))

	tr, err := translate.New(translate.DefaultSettings())
	if err != nil {
		panic(err)
	}
	events, errs := tr.Translate(spanview.FromReadOnlySpans(rec.Ended()))
	for _, ev := range events {
		b, _ := json.Marshal(ev)
		fmt.Println(string(b))
	}
	fmt.Println(len(errs), "errors")
	// Output:
	// {"type":"start_session","session_id":"s-42","timestamp":"2025-03-04T10:00:00.000000Z","id":"u-7"}
	// {"type":"track","event":"Conversation Started","session_id":"s-42","timestamp":"2025-03-04T10:00:00.000000Z","user_id":"u-7","conversation_id":"s-42"}
	// {"type":"track","event":"Conversation Turn","session_id":"s-42","timestamp":"2025-03-04T10:00:01.000000Z","user_id":"u-7","conversation_id":"s-42","properties":{"assistant":"Hello.","completion_tokens":3,"model":"gpt-4o","prompt_tokens":12,"user":"Hi!"}}
	// 0 errors
}

// Idle sessions are ended by Expire, with their conversations first.
func ExampleTranslator_Expire() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	start := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	_, span := tp.Tracer("app").Start(context.Background(), "turn", trace.WithTimestamp(start),
		trace.WithAttributes(semconv.SessionID("s-1"), semconv.DeviceID("d-1"),
			semconv.MindlyticsEvent(semconv.EventTurn), semconv.TurnUser("Hi"), semconv.TurnAssistant("Hello")))
	span.End(trace.WithTimestamp(start.Add(time.Second)))

	settings := translate.DefaultSettings()
	settings.Lifecycle.SessionIdleTimeout = time.Minute
	settings.Lifecycle.ConversationIdleTimeout = time.Minute
	now := start
	tr, _ := translate.New(settings, translate.WithClock(func() time.Time { return now }))
	tr.Translate(spanview.FromReadOnlySpans(rec.Ended()))
	now = now.Add(time.Minute)
	for _, ev := range tr.Expire() {
		fmt.Println(ev.Kind(), ev.Timestamp)
	}
	// Output:
	// track:Conversation Ended 2025-03-04T10:00:01.000000Z
	// end_session 2025-03-04T10:00:01.000000Z
}
