package anthropichelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// One Messages call: the SDK's span, and the turn it becomes.
func TestMessageSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: msgText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		m, err := client.Messages.New(ctx, params("What's the weather in Paris?"))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 14°C.", m.Content[0].Text)
	})

	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "anthropic.messages.create", s.Name())
	assert.Equal(t, trace.SpanKindClient, s.SpanKind())
	assert.Equal(t, codes.Ok, s.Status().Code)
	a := genaitest.Attrs(s)
	assert.Equal(t, "chat", a["gen_ai.operation.name"].AsString())
	assert.Equal(t, "anthropic", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, "claude-sonnet-4-5", a["gen_ai.request.model"].AsString())
	assert.Equal(t, "claude-sonnet-4-5-20250929", a["gen_ai.response.model"].AsString())
	assert.Equal(t, "msg_013Zva2CMHLNnXjNJJKqJ2EF", a["gen_ai.response.id"].AsString())
	// The SDK writes the stop reason under its own key; the helper adds it
	// as gen_ai.response.finish_reasons.
	assert.Equal(t, "end_turn", a["anthropic.message.stop_reason"].AsString())
	assert.Equal(t, []string{"end_turn"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	// The spec's input tokens include the cached ones: 21 + 1000 + 188.
	assert.Equal(t, int64(1209), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(1000), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(188), a["gen_ai.usage.cache_write.input_tokens"].AsInt64())
	assert.Equal(t, int64(12), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"What's the weather in Paris?"}]}]`, a["gen_ai.input.messages"].AsString())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is rainy, 14°C."}]}]`, a["gen_ai.output.messages"].AsString())

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, genaitest.UserID, turns[0].UserID)
	assert.Equal(t, genaitest.ConversationID, turns[0].ConversationID)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 14°C.",
		"model": "claude-sonnet-4-5-20250929", "prompt_tokens": json.Number("1209"), "completion_tokens": json.Number("12"),
		"cached_tokens": json.Number("1000"), "cache_write_tokens": json.Number("188"),
	}, turns[0].Properties)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage), "a turn carries its usage")
}

// The agent loop: the model asks for get_weather, the app runs it in an
// execute_tool span, the model answers. One turn, one function event, and
// the tokens of both calls counted once each.
func TestAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: msgToolUse}, genaitest.Reply{Body: msgAfterTool})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		q := params("What's the weather in Paris?")
		asked, err := client.Messages.New(ctx, q)
		require.NoError(t, err)
		require.Equal(t, "tool_use", string(asked.StopReason))
		p.Tool(ctx, "get_weather", "toolu_01A09q90qw90lq917835lq9", `{"location":"Paris"}`, "rainy, 14°C")
		_, err = client.Messages.New(ctx, withToolResult(q, asked, "rainy, 14°C"))
		require.NoError(t, err)
	})

	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 2)
	a := genaitest.Attrs(spans[0])
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"I'll check the weather in Paris."},
		{"type":"tool_call","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","arguments":{"location":"Paris"}}]}]`,
		a["gen_ai.output.messages"].AsString())
	in := messages(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString())
	require.Len(t, in, 3)
	assert.Equal(t, "user", in[2]["role"]) // Anthropic sends tool results in a user message
	assert.Equal(t, []any{map[string]any{"type": "tool_call_response", "id": "toolu_01A09q90qw90lq917835lq9",
		"response": []any{map[string]any{"type": "text", "text": "rainy, 14°C"}}}}, in[2]["parts"])

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "It is rainy in Paris, 14°C.", turns[0].Properties["assistant"])
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1)
	assert.Equal(t, "get_weather", fns[0].Properties["name"])
	assert.Equal(t, `{"location":"Paris"}`, fns[0].Properties["args"])
	assert.Equal(t, "rainy, 14°C", fns[0].Properties["result"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	// The first call is usage of its own; the turn carries the second's.
	// 384+470 input and 57+14 output tokens in all, each once. The API
	// reports both cache counts as 0, and so do the events.
	require.Len(t, usage, 1)
	assert.Equal(t, mindlytics.Properties{"model": "claude-sonnet-4-5-20250929", "prompt_tokens": json.Number("384"), "completion_tokens": json.Number("57"),
		"cached_tokens": json.Number("0"), "cache_write_tokens": json.Number("0")}, usage[0].Properties)
	assert.Equal(t, json.Number("470"), turns[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("14"), turns[0].Properties["completion_tokens"])
	assert.Equal(t, json.Number("0"), turns[0].Properties["cached_tokens"])
	assert.Equal(t, json.Number("0"), turns[0].Properties["cache_write_tokens"])
}
