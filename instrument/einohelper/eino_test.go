package einohelper_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/einohelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func newAgent(t testing.TB, m *fakeModel) *react.Agent {
	t.Helper()
	a, err := react.NewAgent(context.Background(), &react.AgentConfig{
		ToolCallingModel: m,
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{weatherTool()}},
	})
	require.NoError(t, err)
	return a
}

func question() []*schema.Message {
	return []*schema.Message{schema.SystemMessage("You are a weather bot."), schema.UserMessage("What's the weather in Paris?")}
}

// A ReAct agent's loop: the model asks for the tool, the tool runs, the
// model answers. One turn, one function, one usage, each call's tokens
// once.
func TestAgentLoop(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := einohelper.NewHandler(einohelper.WithTracerProvider(p.TP), einohelper.WithModel("gpt-4o"))
	a := newAgent(t, &fakeModel{replies: []*schema.Message{toolCallReply(), answerReply()}})
	p.Turn(context.Background(), func(ctx context.Context) {
		out, err := a.Generate(ctx, question(), agent.WithComposeOptions(compose.WithCallbacks(h)))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", out.Content)
	})
	spans := p.ModelSpans(einohelper.ScopeName)
	require.Len(t, spans, 3, "two model calls and a tool call")
	var models, tools int
	for _, s := range spans {
		switch genaitest.Attrs(s)["gen_ai.operation.name"].AsString() {
		case "chat":
			models++
		case "execute_tool":
			tools++
			assert.Equal(t, "get_weather", genaitest.Attrs(s)["gen_ai.tool.name"].AsString())
			assert.Equal(t, "rainy in Paris, 57°F", genaitest.Attrs(s)["gen_ai.tool.call.result"].AsString())
		}
	}
	assert.Equal(t, 2, models)
	assert.Equal(t, 1, tools)

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("82"), turns[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("16"), turns[0].Properties["cached_tokens"])
	assert.Equal(t, json.Number("5"), turns[0].Properties["reasoning_tokens"])
	functions := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, functions, 1)
	assert.Equal(t, `{"location":"Paris"}`, functions[0].Properties["args"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("60"), usage[0].Properties["prompt_tokens"])
}

// A streamed answer: the caller reads every chunk, and the span (ended
// from the handler's own copy of the stream) has the whole message and the
// last chunk's usage.
func TestStreamedAnswer(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := einohelper.NewHandler(einohelper.WithTracerProvider(p.TP), einohelper.WithModel("gpt-4o"))
	chunks := []*schema.Message{
		{Role: schema.Assistant, Content: "The weather in Paris"},
		{Role: schema.Assistant, Content: " is rainy, 57°F."},
		{Role: schema.Assistant, ResponseMeta: usage(82, 16, 17, 5)},
	}
	a := newAgent(t, &fakeModel{stream: func() *schema.StreamReader[*schema.Message] { return schema.StreamReaderFromArray(chunks) }})
	p.Turn(context.Background(), func(ctx context.Context) {
		s, err := a.Stream(ctx, question(), agent.WithComposeOptions(compose.WithCallbacks(h)))
		require.NoError(t, err)
		var text string
		for {
			m, err := s.Recv()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			text += m.Content
		}
		s.Close()
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", text)
		require.Eventually(t, func() bool { return len(p.ModelSpans(einohelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	})
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("17"), turns[0].Properties["completion_tokens"])
}

// A stream whose run's context ends before the model finishes: the span
// ends cancelled, and makes no turn.
func TestCancelledStreamEndsItsSpan(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := einohelper.NewHandler(einohelper.WithTracerProvider(p.TP), einohelper.WithModel("gpt-4o"))
	r, w := schema.Pipe[*schema.Message](1)
	defer w.Close()
	a := newAgent(t, &fakeModel{stream: func() *schema.StreamReader[*schema.Message] {
		w.Send(&schema.Message{Role: schema.Assistant, Content: "The weather"}, nil)
		return r
	}})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := a.Stream(ctx, question(), agent.WithComposeOptions(compose.WithCallbacks(h)))
	require.NoError(t, err)
	_, err = s.Recv()
	require.NoError(t, err)
	cancel()
	require.Eventually(t, func() bool { return len(p.ModelSpans(einohelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	span := p.ModelSpans(einohelper.ScopeName)[0]
	assert.Equal(t, codes.Error, span.Status().Code)
	assert.Equal(t, "cancelled", genaitest.Attrs(span)["error.type"].AsString())
	s.Close()
}

// A model error ends the span failed.
func TestModelError(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := einohelper.NewHandler(einohelper.WithTracerProvider(p.TP), einohelper.WithModel("gpt-4o"))
	a := newAgent(t, &fakeModel{})
	_, err := a.Generate(context.Background(), question(), agent.WithComposeOptions(compose.WithCallbacks(h)))
	require.Error(t, err)
	spans := p.ModelSpans(einohelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
}

func TestContentOff(t *testing.T) {
	p := genaitest.NewPipeline(t)
	h := einohelper.NewHandler(einohelper.WithTracerProvider(p.TP), einohelper.WithModel("gpt-4o"), einohelper.WithCaptureContent(false))
	a := newAgent(t, &fakeModel{replies: []*schema.Message{answerReply()}})
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := a.Generate(ctx, question(), agent.WithComposeOptions(compose.WithCallbacks(h)))
		require.NoError(t, err)
	})
	p.AssertContentOff(t, einohelper.ScopeName)
}
