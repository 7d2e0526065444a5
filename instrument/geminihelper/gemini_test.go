package geminihelper_test

import (
	"context"
	"encoding/json"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"google.golang.org/genai"

	"github.com/mindlytics/mindlytics-otel/instrument/geminihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestGenerateContentSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.GeminiText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := client.Models.GenerateContent(ctx, model, genai.Text("What's the weather in Paris?"), config())
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", res.Text())
	})
	spans := p.ModelSpans(geminihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, "chat gemini-2.5-flash", spans[0].Name())
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "gcp.gemini", a["gen_ai.provider.name"].AsString())
	assert.NotContains(t, a, "openai.api.type")
	assert.Equal(t, 0.25, a["gen_ai.request.temperature"].AsFloat64())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(17), a["gen_ai.usage.output_tokens"].AsInt64(), "thinking tokens count as output")
	assert.Equal(t, int64(16), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(5), a["gen_ai.usage.reasoning.output_tokens"].AsInt64())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Equal(t, "resp-gemini-1", a["gen_ai.response.id"].AsString())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": "gemini-2.5-flash", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5"),
	}, turns[0].Properties)
}

// A stream: the caller reads what it reads without the helper, and the
// span has the whole answer and the last chunk's usage.
func TestStreamReadsTheSameAndMakesOneTurn(t *testing.T) {
	script := []genaitest.Reply{{Events: genaitest.GeminiTextStream}}
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		client := newClient(t, fake, p, rec)
		var text strings.Builder
		for res, err := range client.Models.GenerateContentStream(context.Background(), model, genai.Text("What's the weather in Paris?"), config()) {
			require.NoError(t, err)
			text.WriteString(res.Text())
		}
		return []string{text.String()}
	})

	fake := genaitest.NewServer(t)
	fake.Push(script...)
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		for _, err := range client.Models.GenerateContentStream(ctx, model, genai.Text("What's the weather in Paris?"), config()) {
			require.NoError(t, err)
		}
	})
	spans := p.ModelSpans(geminihelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.True(t, a["gen_ai.request.stream"].AsBool())
	assert.Contains(t, a, "gen_ai.response.time_to_first_chunk")
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("17"), turns[0].Properties["completion_tokens"])
}

// A stream the caller leaves before its end still ends its span,
// cancelled, with what came, and is no turn.
func TestAbandonedStreamEndsItsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.GeminiTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		for _, err := range client.Models.GenerateContentStream(ctx, model, genai.Text("What's the weather in Paris?"), config()) {
			require.NoError(t, err)
			break
		}
	})
	spans := p.ModelSpans(geminihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "cancelled", a["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Contains(t, a["gen_ai.output.messages"].AsString(), `"content":"The weather in Paris`)
	assert.Empty(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn))
}

// A stream whose context ends ends its span, though the caller never
// reads again.
func TestCancelledStreamEndsItsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.GeminiTextStream[:1], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	ctx, cancel := context.WithCancel(context.Background())
	next, stop := iter.Pull2(client.Models.GenerateContentStream(ctx, model, genai.Text("Weather?"), nil))
	defer stop()
	_, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	cancel()
	require.Eventually(t, func() bool { return len(p.ModelSpans(geminihelper.ScopeName)) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, "cancelled", genaitest.Attrs(p.ModelSpans(geminihelper.ScopeName)[0])["error.type"].AsString())
}

// The agent loop: the model asks for the tool, the app runs it, the model
// answers. One turn, one function, one usage; each call's tokens once.
func TestAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.GeminiToolCall}, genaitest.Reply{Body: genaitest.GeminiText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		history := genai.Text("What's the weather in Paris?")
		res, err := client.Models.GenerateContent(ctx, model, history, config())
		require.NoError(t, err)
		calls := res.FunctionCalls()
		require.Len(t, calls, 1)
		args, err := json.Marshal(calls[0].Args)
		require.NoError(t, err)
		p.Tool(ctx, calls[0].Name, calls[0].ID, string(args), "rainy, 57°F")
		history = append(history, res.Candidates[0].Content,
			genai.NewContentFromFunctionResponse(calls[0].Name, map[string]any{"output": "rainy, 57°F"}, genai.RoleUser))
		res, err = client.Models.GenerateContent(ctx, model, history, config())
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", res.Text())
	})
	spans := p.ModelSpans(geminihelper.ScopeName)
	require.Len(t, spans, 2)
	first := genaitest.Attrs(spans[0])
	assert.Equal(t, []string{"tool_call"}, first["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Contains(t, first["gen_ai.output.messages"].AsString(), `"name":"get_weather","arguments":{"location":"Paris"}`)
	assert.Contains(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString(), `"role":"tool"`)

	events := p.Events(t)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), 1)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("60"), usage[0].Properties["prompt_tokens"])
}

// An error answer ends the span failed with Google's status.
func TestErrorAnswer(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: 400, Body: genaitest.GeminiError})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := client.Models.GenerateContent(ctx, model, genai.Text("hi"), nil)
	require.Error(t, err)
	spans := p.ModelSpans(geminihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "INVALID_ARGUMENT", genaitest.Attrs(spans[0])["error.type"].AsString())
	assert.NotContains(t, spans[0].Status().Description, "gemini-test-key")
}

func TestContentOff(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.GeminiText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil, geminihelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Models.GenerateContent(ctx, model, genai.Text("What's the weather in Paris?"), config())
		require.NoError(t, err)
	})
	p.AssertContentOff(t, geminihelper.ScopeName)
}

func TestRedactor(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.GeminiText})
	p := genaitest.NewPipeline(t)
	client := newClient(t, fake, p, nil, geminihelper.WithRedactor(genaitest.RedactCity))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Models.GenerateContent(ctx, model, genai.Text("What's the weather in Paris?"), config())
		require.NoError(t, err)
	})
	p.AssertRedacted(t, fake)
}
