package openaihelper_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func streamParams(question string) openai.ChatCompletionNewParams {
	p := chatParams(question)
	p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	return p
}

func TestChatStreamKeepsUsageChunk(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	var text string
	p.Turn(context.Background(), func(ctx context.Context) {
		stream := client.Chat.Completions.NewStreaming(ctx, streamParams("Weather in Paris?"))
		for stream.Next() {
			if ch := stream.Current(); len(ch.Choices) > 0 {
				text += ch.Choices[0].Delta.Content
			}
		}
		require.NoError(t, stream.Err())
		require.NoError(t, stream.Close())
	})
	assert.Equal(t, "The weather in Paris is rainy.", text)

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.True(t, a["gen_ai.request.stream"].AsBool())
	assert.Equal(t, int64(40), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(7), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.Equal(t, int64(8), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(2), a["gen_ai.usage.reasoning.output_tokens"].AsInt64())
	assert.Equal(t, "gpt-4o-mini-2024-07-18", a["gen_ai.response.model"].AsString())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Positive(t, a["gen_ai.response.time_to_first_chunk"].AsFloat64())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is rainy."}],"finish_reason":"stop"}]`,
		a["gen_ai.output.messages"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{"user": "Weather in Paris?", "assistant": "The weather in Paris is rainy.",
		"model": "gpt-4o-mini-2024-07-18", "prompt_tokens": json.Number("40"), "completion_tokens": json.Number("7"),
		"cached_tokens": json.Number("8"), "reasoning_tokens": json.Number("2")}, turns[0].Properties)
}

func TestChatStreamReassemblesToolCall(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatToolCallStream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		stream := client.Chat.Completions.NewStreaming(ctx, streamParams("Weather in Paris?"))
		acc := openai.ChatCompletionAccumulator{}
		for stream.Next() {
			acc.AddChunk(stream.Current())
		}
		require.NoError(t, stream.Err())
		require.NoError(t, stream.Close())
		assert.Equal(t, `{"location":"Paris"}`, acc.Choices[0].Message.ToolCalls[0].Function.Arguments)
	})

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`,
		a["gen_ai.output.messages"].AsString())
	assert.Equal(t, int64(55), a["gen_ai.usage.input_tokens"].AsInt64())

	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn), "a call that only asks for a tool is no turn")
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 1)
}

// A stream the caller closes after its first chunk still ends its span,
// marked cancelled, with what had arrived.
func TestAbandonedStreamEndsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	stream := client.Chat.Completions.NewStreaming(context.Background(), streamParams("Weather?"))
	require.True(t, stream.Next())
	require.True(t, stream.Next())
	require.NoError(t, stream.Close())

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, codes.Error, s.Status().Code)
	a := genaitest.Attrs(s)
	assert.Equal(t, "cancelled", a["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"The weather"}],"finish_reason":"cancelled"}]`,
		a["gen_ai.output.messages"].AsString())
}

// A stream whose context ends ends its span, even if the caller never
// reads again nor closes it.
func TestCancelledStreamEndsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	ctx, cancel := context.WithCancel(context.Background())
	stream := client.Chat.Completions.NewStreaming(ctx, streamParams("Weather?"))
	require.True(t, stream.Next())
	cancel()

	require.Eventually(t, func() bool { return len(p.ModelSpans(openaihelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	s := p.ModelSpans(openaihelper.ScopeName)[0]
	assert.Equal(t, codes.Error, s.Status().Code)
	assert.Equal(t, "cancelled", genaitest.Attrs(s)["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, genaitest.Attrs(s)["gen_ai.response.finish_reasons"].AsStringSlice())
	_ = stream.Close()
}
