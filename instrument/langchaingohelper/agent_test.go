package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/tools"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// runAgent runs langchaingo's OpenAI functions agent, in its executor, on
// the question, with h on the model, the executor and the tool.
func runAgent(t *testing.T, llmHandler, h *langchaingohelper.Handler, fake *genaitest.Server, hc *http.Client, tool tools.Tool, ctx context.Context) (string, error) {
	t.Helper()
	llm := newLLM(t, fake, llmHandler, hc)
	agent := agents.NewOpenAIFunctionsAgent(llm, []tools.Tool{tool}, agents.WithCallbacksHandler(h))
	exec := agents.NewExecutor(agent, agents.WithCallbacksHandler(h), agents.WithMaxIterations(3))
	return chains.Run(ctx, exec, "What's the weather in Paris?")
}

func byName(spans []sdktrace.ReadOnlySpan) map[string][]sdktrace.ReadOnlySpan {
	m := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		m[s.Name()] = append(m[s.Name()], s)
	}
	return m
}

func TestAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	h := newHandler(p, langchaingohelper.WithAgentName("weather-agent"))
	var answer string
	p.Turn(context.Background(), func(ctx context.Context) {
		var err error
		answer, err = runAgent(t, h, h, fake, nil, weather{h: h}, ctx)
		require.NoError(t, err)
	})
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", answer)
	events := p.Events(t)
	assert.True(t, h.Idle())

	spans := byName(p.ModelSpans(langchaingohelper.ScopeName))
	require.Len(t, spans["invoke_agent weather-agent"], 1)
	require.Len(t, spans["chat gpt-4o"], 2)
	require.Len(t, spans["execute_tool get_weather"], 1)
	agent := spans["invoke_agent weather-agent"][0]
	assert.NotContains(t, genaitest.Attrs(agent), "gen_ai.usage.input_tokens")
	for _, s := range append(append([]sdktrace.ReadOnlySpan{}, spans["chat gpt-4o"]...), spans["execute_tool get_weather"]...) {
		assert.Equal(t, agent.SpanContext().SpanID(), s.Parent().SpanID(), s.Name())
	}
	tool := genaitest.Attrs(spans["execute_tool get_weather"][0])
	assert.Equal(t, "get_weather", tool["gen_ai.tool.name"].AsString())
	assert.Equal(t, "call_VSPygqKTWdrhaFErNvMV18Yl", tool["gen_ai.tool.call.id"].AsString())
	assert.JSONEq(t, `{"location":"Paris"}`, tool["gen_ai.tool.call.arguments"].AsString())
	assert.Equal(t, "rainy, 14°C", tool["gen_ai.tool.call.result"].AsString())

	first := genaitest.Attrs(spans["chat gpt-4o"][0])
	assert.Equal(t, []string{"tool_call"}, first["gen_ai.response.finish_reasons"].AsStringSlice())
	out := messages(t, first["gen_ai.output.messages"].AsString())
	require.Len(t, out, 1)
	assert.Equal(t, "tool_call", out[0]["parts"].([]any)[0].(map[string]any)["type"])
	second := messages(t, genaitest.Attrs(spans["chat gpt-4o"][1])["gen_ai.input.messages"].AsString())
	last := second[len(second)-1]
	assert.Equal(t, "tool", last["role"])
	assert.Equal(t, "tool_call_response", last["parts"].([]any)[0].(map[string]any)["type"])

	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1, "%+v", events)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1, "%+v", events)
	// Nothing counted twice: the two calls' tokens, once, across the turn
	// and the usage events; the agent span adds none.
	var prompt, completion int64
	for _, ev := range events {
		if ev.Event != mindlytics.EventConversationTurn && ev.Event != mindlytics.EventConversationUsage {
			continue
		}
		prompt += num(t, ev.Properties["prompt_tokens"])
		completion += num(t, ev.Properties["completion_tokens"])
	}
	assert.Equal(t, int64(60+82), prompt)
	assert.Equal(t, int64(15+17), completion)
	t.Logf("%+v", events)
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	if v == nil {
		return 0
	}
	n, err := v.(json.Number).Int64()
	require.NoError(t, err)
	return n
}

func TestErrors(t *testing.T) {
	t.Run("model fails in a chain", func(t *testing.T) {
		fake := genaitest.NewServer(t)
		fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody})
		p := genaitest.NewPipeline(t)
		h := newHandler(p)
		_, err := runAgent(t, h, h, fake, nil, weather{h: h}, context.Background())
		require.Error(t, err)
		require.NoError(t, p.TP.ForceFlush(context.Background()))
		assert.True(t, h.Idle())
		spans := byName(p.ModelSpans(langchaingohelper.ScopeName))
		require.Len(t, spans["chat gpt-4o"], 1)
		require.Len(t, spans["invoke_agent"], 1)
		// langchaingo's OpenAI model reports no error callback: the chain's
		// error ends the model span.
		for _, s := range []sdktrace.ReadOnlySpan{spans["chat gpt-4o"][0], spans["invoke_agent"][0]} {
			assert.Equal(t, codes.Error, s.Status().Code, s.Name())
			assert.NotEmpty(t, genaitest.Attrs(s)["error.type"].AsString())
		}
	})
	t.Run("tool fails", func(t *testing.T) {
		fake := genaitest.NewServer(t)
		fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall})
		p := genaitest.NewPipeline(t)
		h := newHandler(p)
		_, err := runAgent(t, h, h, fake, nil, weather{h: h, fail: errors.New("no such city")}, context.Background())
		require.Error(t, err)
		require.NoError(t, p.TP.ForceFlush(context.Background()))
		assert.True(t, h.Idle())
		spans := byName(p.ModelSpans(langchaingohelper.ScopeName))
		require.Len(t, spans["execute_tool get_weather"], 1)
		tool := spans["execute_tool get_weather"][0]
		assert.Equal(t, codes.Error, tool.Status().Code)
		assert.Equal(t, "no such city", tool.Status().Description)
		assert.Equal(t, codes.Error, spans["invoke_agent"][0].Status().Code)
		assert.Equal(t, codes.Unset, spans["chat gpt-4o"][0].Status().Code)
	})
	t.Run("HandleLLMError", func(t *testing.T) {
		p := genaitest.NewPipeline(t)
		h := newHandler(p)
		ctx := context.Background()
		h.HandleLLMGenerateContentStart(ctx, question("Hi"))
		h.HandleLLMError(ctx, context.DeadlineExceeded)
		assert.True(t, h.Idle())
		s := p.ModelSpans(langchaingohelper.ScopeName)
		require.Len(t, s, 1)
		assert.Equal(t, codes.Error, s[0].Status().Code)
		assert.Equal(t, "timeout", genaitest.Attrs(s[0])["error.type"].AsString())
	})
	t.Run("model call without end", func(t *testing.T) {
		fake := genaitest.NewServer(t)
		fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody}, genaitest.Reply{Body: genaitest.ChatText})
		p := genaitest.NewPipeline(t)
		h := newHandler(p)
		llm := newLLM(t, fake, h, nil)
		_, err := llm.GenerateContent(context.Background(), question("Hi"))
		require.Error(t, err)
		_, err = llm.GenerateContent(context.Background(), question("Hi"))
		require.NoError(t, err)
		assert.True(t, h.Idle())
		s := p.ModelSpans(langchaingohelper.ScopeName)
		require.Len(t, s, 2)
		assert.Equal(t, codes.Error, s[0].Status().Code)
		assert.Equal(t, codes.Unset, s[1].Status().Code)
	})
}

// A model whose HTTP client our go-openai helper traces makes ONE model
// span (the transport's) when the handler is told so; the handler still
// traces the agent and the tool.
func TestStackedOnTracedClient(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	h := newHandler(p, langchaingohelper.WithLLMSpans(false))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: goopenaihelper.NewTransport(tr, goopenaihelper.WithTracerProvider(p.TP))}
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := runAgent(t, h, h, fake, hc, weather{h: h}, ctx)
		require.NoError(t, err)
	})
	events := p.Events(t)
	assert.True(t, h.Idle())

	var chat []string
	for _, s := range p.Recorder.Ended() {
		if genaitest.Attrs(s)["gen_ai.operation.name"].AsString() == "chat" {
			chat = append(chat, s.InstrumentationScope().Name)
		}
	}
	assert.Equal(t, []string{goopenaihelper.ScopeName, goopenaihelper.ScopeName}, chat, "one span per model call")
	assert.Len(t, byName(p.ModelSpans(langchaingohelper.ScopeName))["execute_tool get_weather"], 1)
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), 1)
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
}

// The handler makes no model span of its own inside a model span of one of
// our client helpers.
func TestInsideHelperSpan(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	ctx, span := p.TP.Tracer(goopenaihelper.ScopeName).Start(context.Background(), "chat gpt-4o")
	h.HandleLLMGenerateContentStart(ctx, question("Hi"))
	h.HandleLLMGenerateContentEnd(ctx, nil)
	span.End()
	assert.True(t, h.Idle())
	assert.Empty(t, p.ModelSpans(langchaingohelper.ScopeName))
}

// Runs with contexts of their own pair their callbacks apart, even when
// they share the parent span; the stacks empty when they end.
func TestConcurrentRuns(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	parent, span := p.TP.Tracer("app").Start(context.Background(), "parent")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(parent)
			defer cancel()
			h.HandleChainStart(ctx, nil)
			h.HandleLLMGenerateContentStart(ctx, question(fmt.Sprint(i)))
			h.HandleLLMGenerateContentEnd(ctx, nil)
			h.HandleChainEnd(ctx, nil)
		})
	}
	wg.Wait()
	span.End()
	assert.True(t, h.Idle())
	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 16)
	chains := map[[8]byte]bool{}
	for _, s := range spans {
		if s.Name() == "invoke_agent" {
			chains[s.SpanContext().SpanID()] = true
		}
	}
	for _, s := range spans {
		if s.Name() != "invoke_agent" {
			assert.True(t, chains[s.Parent().SpanID()], "a model span under a chain")
		}
	}
}

// A tool that makes no callbacks still gets the span its agent action
// started, ended when the agent moves on.
func TestToolWithoutCallbacks(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	_, err := runAgent(t, h, h, fake, nil, weather{}, context.Background())
	require.NoError(t, err)
	require.NoError(t, p.TP.ForceFlush(context.Background()))
	assert.True(t, h.Idle())
	spans := byName(p.ModelSpans(langchaingohelper.ScopeName))
	require.Len(t, spans["execute_tool get_weather"], 1)
	tool := spans["execute_tool get_weather"][0]
	assert.Equal(t, codes.Unset, tool.Status().Code)
	assert.NotContains(t, genaitest.Attrs(tool), "gen_ai.tool.call.result")
	next := spans["chat gpt-4o"][1]
	assert.False(t, tool.EndTime().After(next.StartTime()), "the tool span ends when the next model call starts")
	assert.Equal(t, spans["invoke_agent"][0].SpanContext().SpanID(), next.Parent().SpanID(), "not under the tool")
}
