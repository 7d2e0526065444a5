package ollamahelper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestChatSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.OllamaChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		var answer string
		require.NoError(t, client.Chat(ctx, chatRequest("What's the weather in Paris?", false), func(r api.ChatResponse) error {
			answer += r.Message.Content
			return nil
		}))
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", answer)
	})
	spans := p.ModelSpans(ollamahelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, "chat llama3.2", spans[0].Name())
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "ollama", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, 0.2, a["gen_ai.request.temperature"].AsFloat64())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(17), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": "llama3.2", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
	}, turns[0].Properties)
}

// The default, streamed: the caller reads what it reads without the
// helper, and the span has the whole answer and the last line's counts.
func TestStreamReadsTheSameAndMakesOneTurn(t *testing.T) {
	script := []genaitest.Reply{{Events: genaitest.OllamaChatStream, ContentType: genaitest.OllamaNDJSON}}
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		client := newClient(t, fake, p, rec)
		var text strings.Builder
		require.NoError(t, client.Chat(context.Background(), chatRequest("What's the weather in Paris?", true), func(r api.ChatResponse) error {
			text.WriteString(r.Message.Content)
			return nil
		}))
		return []string{text.String()}
	})

	fake := genaitest.NewServer(t)
	fake.Push(script...)
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		require.NoError(t, client.Chat(ctx, chatRequest("What's the weather in Paris?", true), func(api.ChatResponse) error { return nil }))
	})
	spans := p.ModelSpans(ollamahelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.True(t, a["gen_ai.request.stream"].AsBool())
	assert.Contains(t, a, "gen_ai.response.time_to_first_chunk")
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("17"), turns[0].Properties["completion_tokens"])
}

// A stream the caller stops (its callback returns an error) ends its span,
// cancelled, and is no turn.
func TestAbandonedStreamEndsItsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.OllamaChatStream[:2], ContentType: genaitest.OllamaNDJSON, Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	stop := assert.AnError
	p.Turn(context.Background(), func(ctx context.Context) {
		err := client.Chat(ctx, chatRequest("Weather?", true), func(api.ChatResponse) error { return stop })
		require.ErrorIs(t, err, stop)
	})
	spans := p.ModelSpans(ollamahelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "cancelled", a["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Empty(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn))
}

// A stream whose context ends ends its span.
func TestCancelledStreamEndsItsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.OllamaChatStream[:1], ContentType: genaitest.OllamaNDJSON, Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	ctx, cancel := context.WithCancel(context.Background())
	// The client may report the cut stream or not (its reader stops at the
	// read error); the span ends either way.
	_ = client.Chat(ctx, chatRequest("Weather?", true), func(api.ChatResponse) error {
		cancel()
		return nil
	})
	require.Eventually(t, func() bool { return len(p.ModelSpans(ollamahelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, "cancelled", genaitest.Attrs(p.ModelSpans(ollamahelper.ScopeName)[0])["error.type"].AsString())
}

// The agent loop with a tool: one turn, one function, one usage.
func TestAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.OllamaToolCall}, genaitest.Reply{Body: genaitest.OllamaChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		req := chatRequest("What's the weather in Paris?", false)
		var reply api.Message
		require.NoError(t, client.Chat(ctx, req, func(r api.ChatResponse) error { reply = r.Message; return nil }))
		require.Len(t, reply.ToolCalls, 1)
		call := reply.ToolCalls[0].Function
		p.Tool(ctx, call.Name, "", call.Arguments.String(), "rainy, 57°F")
		req.Messages = append(req.Messages, reply, api.Message{Role: "tool", ToolName: call.Name, Content: "rainy, 57°F"})
		require.NoError(t, client.Chat(ctx, req, func(r api.ChatResponse) error { reply = r.Message; return nil }))
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", reply.Content)
	})
	spans := p.ModelSpans(ollamahelper.ScopeName)
	require.Len(t, spans, 2)
	first := genaitest.Attrs(spans[0])
	assert.Equal(t, []string{"tool_call"}, first["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Contains(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString(), `"role":"tool"`)

	events := p.Events(t)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), 1)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("60"), usage[0].Properties["prompt_tokens"])
}

// An unknown model: the span ends failed with the HTTP status.
func TestErrorAnswer(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: 404, Body: genaitest.OllamaError})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	err := client.Chat(context.Background(), chatRequest("hi", false), func(api.ChatResponse) error { return nil })
	require.Error(t, err)
	spans := p.ModelSpans(ollamahelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "404", genaitest.Attrs(spans[0])["error.type"].AsString())
}

func TestContentOff(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.OllamaChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil, ollamahelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		require.NoError(t, client.Chat(ctx, chatRequest("What's the weather in Paris?", false), func(api.ChatResponse) error { return nil }))
	})
	p.AssertContentOff(t, ollamahelper.ScopeName)
}
