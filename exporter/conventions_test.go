package exporter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestConventionsArriveAtTheService sends one model call written in each
// convention through a TracerProvider and the exporter, and checks the
// exact turn the loopback service accepted. The translate package's tables
// go through every rule; this checks the whole path, bytes included.
func TestConventionsArriveAtTheService(t *testing.T) {
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	end := start.Add(1500 * time.Millisecond)
	tests := []struct {
		name   string
		attrs  []attribute.KeyValue
		events func(trace.Span) // span events some conventions carry messages in
		want   mindlytics.Properties
	}{
		{
			name: "OTel GenAI current: message JSON",
			attrs: []attribute.KeyValue{
				attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.provider.name", "openai"),
				attribute.String("gen_ai.request.model", "gpt-4o"), attribute.String("gen_ai.response.model", "gpt-4o-2024-08-06"),
				attribute.Int("gen_ai.usage.input_tokens", 11), attribute.Int("gen_ai.usage.output_tokens", 7),
				attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Hi there"}]}]`),
				attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Hello!"}],"finish_reason":"stop"}]`),
			},
			want: mindlytics.Properties{"user": "Hi there", "assistant": "Hello!", "model": "gpt-4o-2024-08-06",
				"prompt_tokens": json.Number("11"), "completion_tokens": json.Number("7")},
		},
		{
			name: "OTel GenAI deprecated: gen_ai.system, prompt_tokens, message events",
			attrs: []attribute.KeyValue{
				attribute.String("gen_ai.system", "openai"), attribute.String("gen_ai.request.model", "gpt-4o"),
				attribute.Int("gen_ai.usage.prompt_tokens", 5), attribute.Int("gen_ai.usage.completion_tokens", 3),
			},
			events: func(s trace.Span) {
				s.AddEvent("gen_ai.user.message", trace.WithAttributes(attribute.String("content", "Tell a joke")))
				s.AddEvent("gen_ai.choice", trace.WithAttributes(attribute.Int("index", 0),
					attribute.String("message", `{"role":"assistant","content":"Why did the span cross the trace?"}`)))
			},
			want: mindlytics.Properties{"user": "Tell a joke", "assistant": "Why did the span cross the trace?", "model": "gpt-4o",
				"prompt_tokens": json.Number("5"), "completion_tokens": json.Number("3")},
		},
		{
			name: "OpenLLMetry: indexed prompt and completion attributes",
			attrs: []attribute.KeyValue{
				attribute.String("llm.request.type", "chat"), attribute.String("gen_ai.system", "openai"),
				attribute.String("gen_ai.request.model", "gpt-4o-mini"),
				attribute.String("gen_ai.prompt.0.role", "system"), attribute.String("gen_ai.prompt.0.content", "Be brief."),
				attribute.String("gen_ai.prompt.1.role", "user"), attribute.String("gen_ai.prompt.1.content", "Capital of France?"),
				attribute.String("gen_ai.completion.0.role", "assistant"), attribute.String("gen_ai.completion.0.content", "Paris."),
				attribute.Int("gen_ai.usage.prompt_tokens", 9), attribute.Int("gen_ai.usage.completion_tokens", 2),
			},
			want: mindlytics.Properties{"user": "Capital of France?", "assistant": "Paris.", "model": "gpt-4o-mini",
				"prompt_tokens": json.Number("9"), "completion_tokens": json.Number("2")},
		},
		{
			name: "OpenInference: flattened messages, token counts, cost",
			attrs: []attribute.KeyValue{
				attribute.String("openinference.span.kind", "LLM"), attribute.String("llm.model_name", "claude-sonnet-4"),
				attribute.String("llm.input_messages.0.message.role", "user"),
				attribute.String("llm.input_messages.0.message.content", "Summarize this."),
				attribute.String("llm.output_messages.0.message.role", "assistant"),
				attribute.String("llm.output_messages.0.message.content", "Done."),
				attribute.Int("llm.token_count.prompt", 20), attribute.Int("llm.token_count.completion", 2),
				attribute.Float64("llm.cost.total", 0.0015),
			},
			want: mindlytics.Properties{"user": "Summarize this.", "assistant": "Done.", "model": "claude-sonnet-4",
				"prompt_tokens": json.Number("20"), "completion_tokens": json.Number("2"), "cost": json.Number("0.0015")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			exp := newExporter(t, srv)
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
			ids := []attribute.KeyValue{attribute.String("session.id", "s1"), attribute.String("user.id", "u1"),
				attribute.String("gen_ai.conversation.id", "c1")}
			_, span := tp.Tracer("test").Start(context.Background(), "llm call", trace.WithTimestamp(start),
				trace.WithAttributes(append(ids, tt.attrs...)...))
			if tt.events != nil {
				tt.events(span)
			}
			span.End(trace.WithTimestamp(end))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, tp.Shutdown(ctx))
			require.Empty(t, exp.Errors())

			var turns []mindlytics.Event
			for _, ev := range srv.SessionEvents("s1") {
				if ev.Event == mindlytics.EventConversationTurn {
					turns = append(turns, ev)
				}
			}
			require.Len(t, turns, 1, "events: %v", testkit.Kinds(srv.SessionEvents("s1")))
			assert.Equal(t, mindlytics.Event{
				Type: mindlytics.TypeTrack, Event: mindlytics.EventConversationTurn, SessionID: "s1",
				Timestamp: wire.FormatTimestamp(end), UserID: "u1", ConversationID: "c1", Properties: tt.want,
			}, turns[0])
			assert.Empty(t, srv.Violations())
		})
	}
}
