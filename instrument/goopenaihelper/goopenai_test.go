package goopenaihelper_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestChatCompletionSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := client.CreateChatCompletion(ctx, chatRequest("What's the weather in Paris?", false))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", res.Choices[0].Message.Content)
	})
	spans := p.ModelSpans(goopenaihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, "chat gpt-4o", spans[0].Name())
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "openai", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(16), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(5), a["gen_ai.usage.reasoning.output_tokens"].AsInt64())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": "gpt-4o-2024-08-06", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5"),
	}, turns[0].Properties)
}

// The agent loop, streamed: tool call from fragments, tool span, answer.
// One turn, one function, one usage; each call's tokens counted once.
func TestStreamedAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatToolCallStream}, genaitest.Reply{Events: genaitest.ChatTextStream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		req := chatRequest("What's the weather in Paris?", true)
		s, err := client.CreateChatCompletionStream(ctx, req)
		require.NoError(t, err)
		call := openai.ToolCall{Type: openai.ToolTypeFunction}
		for {
			ch, err := s.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if len(ch.Choices) > 0 && len(ch.Choices[0].Delta.ToolCalls) > 0 {
				tc := ch.Choices[0].Delta.ToolCalls[0]
				if tc.ID != "" {
					call.ID, call.Function.Name = tc.ID, tc.Function.Name
				}
				call.Function.Arguments += tc.Function.Arguments
			}
		}
		require.NoError(t, s.Close())
		p.Tool(ctx, call.Function.Name, call.ID, call.Function.Arguments, "rainy, 57°F")
		req.Messages = append(req.Messages,
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, ToolCalls: []openai.ToolCall{call}},
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, Content: "rainy, 57°F", ToolCallID: call.ID})
		s, err = client.CreateChatCompletionStream(ctx, req)
		require.NoError(t, err)
		for {
			if _, err := s.Recv(); err != nil {
				require.ErrorIs(t, err, io.EOF)
				break
			}
		}
		require.NoError(t, s.Close())
	})

	spans := p.ModelSpans(goopenaihelper.ScopeName)
	require.Len(t, spans, 2)
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`,
		genaitest.Attrs(spans[0])["gen_ai.output.messages"].AsString())
	assert.Equal(t, int64(8), genaitest.Attrs(spans[1])["gen_ai.usage.cache_read.input_tokens"].AsInt64(), "usage-only chunk kept")

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy.",
		"model": "gpt-4o-mini-2024-07-18", "prompt_tokens": json.Number("40"), "completion_tokens": json.Number("7"),
		"cached_tokens": json.Number("8"), "reasoning_tokens": json.Number("2")}, turns[0].Properties)
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1)
	assert.Equal(t, `{"location":"Paris"}`, fns[0].Properties["args"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	// The tool call's usage chunk reports 0 cached and 0 reasoning tokens,
	// which the span leaves out, so the usage carries neither.
	assert.Equal(t, mindlytics.Properties{"model": "gpt-4o-mini-2024-07-18",
		"prompt_tokens": json.Number("55"), "completion_tokens": json.Number("16")}, usage[0].Properties)
}

func TestResponses(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ResponsesText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		r, err := client.CreateResponse(ctx, openai.CreateResponseRequest{Model: "gpt-4.1", Instructions: "You are a weather bot.", Input: "Weather in Paris?"})
		require.NoError(t, err)
		assert.Equal(t, "Paris is rainy today.", r.GetOutputText())
	})
	a := genaitest.Attrs(p.ModelSpans(goopenaihelper.ScopeName)[0])
	assert.Equal(t, "responses", a["openai.api.type"].AsString())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "Paris is rainy today.", turns[0].Properties["assistant"])
}

func TestErrorAnswer(t *testing.T) {
	for _, tt := range []struct {
		reply genaitest.Reply
		want  string
	}{
		{genaitest.Reply{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody}, "invalid_value"},
		{genaitest.RateLimited(), "rate_limit_exceeded"},
		{genaitest.Reply{Status: http.StatusInternalServerError, Body: genaitest.ServerError}, "server_error"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			fake := genaitest.NewServer(t)
			fake.Push(tt.reply)
			p := genaitest.NewPipeline(t)
			_, err := newClient(fake, p, nil).CreateChatCompletion(context.Background(), chatRequest("Hi", false))
			var apiErr *openai.APIError
			require.ErrorAs(t, err, &apiErr)
			spans := p.ModelSpans(goopenaihelper.ScopeName)
			require.Len(t, spans, 1)
			assert.Equal(t, codes.Error, spans[0].Status().Code)
			assert.Equal(t, tt.want, genaitest.Attrs(spans[0])["error.type"].AsString())
		})
	}
}

func TestAbandonedStreamEndsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	s, err := newClient(fake, p, nil).CreateChatCompletionStream(context.Background(), chatRequest("Weather?", true))
	require.NoError(t, err)
	_, err = s.Recv()
	require.NoError(t, err)
	require.NoError(t, s.Close())
	spans := p.ModelSpans(goopenaihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "cancelled", genaitest.Attrs(spans[0])["error.type"].AsString())
}

func TestCancelledStreamEndsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := newClient(fake, p, nil).CreateChatCompletionStream(ctx, chatRequest("Weather?", true))
	require.NoError(t, err)
	_, err = s.Recv()
	require.NoError(t, err)
	cancel()
	require.Eventually(t, func() bool { return len(p.ModelSpans(goopenaihelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, []string{"cancelled"}, genaitest.Attrs(p.ModelSpans(goopenaihelper.ScopeName)[0])["gen_ai.response.finish_reasons"].AsStringSlice())
	_ = s.Close()
}

// go-openai reads, with the helper, exactly the bytes the server sent and
// exactly what it reads without it, and returns the same values.
func TestCallerReadsSameBytes(t *testing.T) {
	script := []genaitest.Reply{
		{Body: genaitest.ChatText},
		{Events: genaitest.ChatToolCallStream},
		{Body: genaitest.ResponsesText},
		{Events: genaitest.ResponsesTextStream},
		{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody},
	}
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		client := newClient(fake, p, rec)
		ctx := context.Background()
		var got []string
		keep := func(v any) {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			got = append(got, string(b))
		}
		c, err := client.CreateChatCompletion(ctx, chatRequest("Hi", false))
		require.NoError(t, err)
		keep(c)
		s, err := client.CreateChatCompletionStream(ctx, chatRequest("Hi", true))
		require.NoError(t, err)
		for chunk, err := s.Recv(); err == nil; chunk, err = s.Recv() {
			keep(chunk)
		}
		require.NoError(t, s.Close())
		r, err := client.CreateResponse(ctx, openai.CreateResponseRequest{Model: "gpt-4.1", Input: "Hi"})
		require.NoError(t, err)
		keep(r)
		rs, err := client.CreateResponseStream(ctx, openai.CreateResponseRequest{Model: "gpt-4.1", Input: "Hi"})
		require.NoError(t, err)
		for ev, err := rs.Recv(); err == nil; ev, err = rs.Recv() {
			keep(ev)
		}
		require.NoError(t, rs.Close())
		_, err = client.CreateChatCompletion(ctx, chatRequest("Hi", false))
		require.Error(t, err)
		return append(got, err.Error())
	})
}
