package openaihelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestChatCompletionSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		c, err := client.Chat.Completions.New(ctx, chatParams("What's the weather in Paris?"))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", c.Choices[0].Message.Content)
	})

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "chat gpt-4o", s.Name())
	assert.Equal(t, trace.SpanKindClient, s.SpanKind())
	assert.Equal(t, codes.Unset, s.Status().Code)
	a := genaitest.Attrs(s)
	assert.Equal(t, "chat", a["gen_ai.operation.name"].AsString())
	assert.Equal(t, "openai", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, "chat_completions", a["openai.api.type"].AsString())
	assert.Equal(t, "gpt-4o", a["gen_ai.request.model"].AsString())
	assert.Equal(t, "gpt-4o-2024-08-06", a["gen_ai.response.model"].AsString())
	assert.Equal(t, "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", a["gen_ai.response.id"].AsString())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(17), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.Equal(t, int64(16), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(5), a["gen_ai.usage.reasoning.output_tokens"].AsInt64())
	assert.Equal(t, 0.2, a["gen_ai.request.temperature"].AsFloat64())
	assert.Equal(t, "default", a["openai.response.service_tier"].AsString())
	assert.Equal(t, "fp_fc9f1d7035", a["openai.response.system_fingerprint"].AsString())
	assert.Equal(t, "127.0.0.1", a["server.address"].AsString())
	assert.JSONEq(t, `[{"role":"system","parts":[{"type":"text","content":"You are a weather bot."}]},
		{"role":"user","parts":[{"type":"text","content":"What's the weather in Paris?"}]}]`, a["gen_ai.input.messages"].AsString())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is rainy, 57°F."}],"finish_reason":"stop"}]`,
		a["gen_ai.output.messages"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, genaitest.UserID, turns[0].UserID)
	assert.Equal(t, genaitest.ConversationID, turns[0].ConversationID)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": "gpt-4o-2024-08-06", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5"),
	}, turns[0].Properties)
}

// TestChatAgentLoop: the model asks for a tool, the app runs it in an
// execute_tool span, the model answers. One turn (the answer, with its own
// tokens), one function event, one usage event (the tool request's
// tokens): each call's tokens counted once.
func TestChatAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		params := chatParams("What's the weather in Paris?")
		first, err := client.Chat.Completions.New(ctx, params)
		require.NoError(t, err)
		call := first.Choices[0].Message.ToolCalls[0]
		p.Tool(ctx, call.Function.Name, call.ID, call.Function.Arguments, "rainy, 57°F")
		params.Messages = append(params.Messages, first.Choices[0].Message.ToParam(), openai.ToolMessage("rainy, 57°F", call.ID))
		_, err = client.Chat.Completions.New(ctx, params)
		require.NoError(t, err)
	})

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 2)
	a := genaitest.Attrs(spans[0])
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_VSPygqKTWdrhaFErNvMV18Yl","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`,
		a["gen_ai.output.messages"].AsString())
	assert.Equal(t, []string{"tool_calls"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	in := messages(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString())
	require.Len(t, in, 4)
	assert.Equal(t, "tool", in[3]["role"])
	assert.Equal(t, []any{map[string]any{"type": "tool_call_response", "id": "call_VSPygqKTWdrhaFErNvMV18Yl", "response": "rainy, 57°F"}}, in[3]["parts"])

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("82"), turns[0].Properties["prompt_tokens"])
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1)
	assert.Equal(t, "get_weather", fns[0].Properties["name"])
	assert.Equal(t, `{"location":"Paris"}`, fns[0].Properties["args"])
	assert.Equal(t, "rainy, 57°F", fns[0].Properties["result"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, mindlytics.Properties{"model": "gpt-4o-2024-08-06", "prompt_tokens": json.Number("60"), "completion_tokens": json.Number("15")},
		usage[0].Properties)
}
