package genkithelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"

	"github.com/mindlytics/mindlytics-otel/instrument/genkithelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

type weatherIn struct {
	Location string `json:"location"`
}

// setup wires Genkit to the pipeline and defines a fake model that asks
// for get_weather until the request carries its result, then answers, and
// the tool.
func setup(t *testing.T, opts ...genkithelper.Option) (*genaitest.Pipeline, *genkit.Genkit, ai.Model, ai.Tool) {
	t.Helper()
	prev := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	p := genaitest.NewPipeline(t)
	require.NoError(t, genkithelper.Register(p.TP, opts...))
	g := genkit.Init(context.Background())
	m := genkit.DefineModel(g, "fake/weather-model", &ai.ModelOptions{Supports: &ai.ModelSupports{Tools: true, Multiturn: true, SystemRole: true}},
		func(_ context.Context, req *ai.ModelRequest, _ ai.ModelStreamCallback) (*ai.ModelResponse, error) {
			for _, msg := range req.Messages {
				for _, part := range msg.Content {
					if part.IsToolResponse() {
						return &ai.ModelResponse{Message: ai.NewModelTextMessage("The weather in Paris is rainy, 57°F."), FinishReason: ai.FinishReasonStop,
							Usage: &ai.GenerationUsage{InputTokens: 82, OutputTokens: 12, CachedContentTokens: 16, ThoughtsTokens: 5}}, nil
					}
				}
			}
			return &ai.ModelResponse{Message: &ai.Message{Role: ai.RoleModel, Content: []*ai.Part{ai.NewToolRequestPart(&ai.ToolRequest{
				Name: "get_weather", Ref: "call_1", Input: map[string]any{"location": "Paris"}})}},
				FinishReason: ai.FinishReasonStop, Usage: &ai.GenerationUsage{InputTokens: 60, OutputTokens: 8}}, nil
		})
	tool := genkit.DefineTool(g, "get_weather", "Get the weather of a city", func(_ *ai.ToolContext, in weatherIn) (string, error) {
		return "rainy in " + in.Location + ", 57°F", nil
	})
	return p, g, m, tool
}

// Genkit's generate loop with a tool: one turn (the answer, its usage with
// cached and thinking tokens), one function, one usage (the call that
// asked for the tool); Genkit's own spans count nothing.
func TestGenerateWithTool(t *testing.T) {
	p, g, m, tool := setup(t)
	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := genkit.Generate(ctx, g, ai.WithModel(m), ai.WithSystem("You are a weather bot."),
			ai.WithPrompt("What's the weather in Paris?"), ai.WithTools(tool))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", res.Text())
	})
	spans := p.ModelSpans(genkithelper.ScopeName)
	require.Len(t, spans, 3, "two model calls and a tool call")
	for _, s := range spans {
		a := genaitest.Attrs(s)
		if a["gen_ai.operation.name"].AsString() == "chat" {
			assert.Equal(t, "fake", a["gen_ai.provider.name"].AsString())
			assert.Equal(t, "weather-model", a["gen_ai.request.model"].AsString())
		}
	}

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": "weather-model", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5"),
	}, turns[0].Properties)
	functions := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, functions, 1)
	assert.Equal(t, "get_weather", functions[0].Properties["name"])
	assert.Equal(t, `{"location":"Paris"}`, functions[0].Properties["args"])
	assert.Equal(t, "rainy in Paris, 57°F", functions[0].Properties["result"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("60"), usage[0].Properties["prompt_tokens"])
}

func TestContentOff(t *testing.T) {
	p, g, m, tool := setup(t, genkithelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := genkit.Generate(ctx, g, ai.WithModel(m), ai.WithPrompt("What's the weather in Paris?"), ai.WithTools(tool))
		require.NoError(t, err)
	})
	for _, s := range p.ModelSpans(genkithelper.ScopeName) {
		a := genaitest.Attrs(s)
		for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"} {
			assert.NotContains(t, a, k)
		}
	}
	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 2)
}

func TestRegisterNeedsAnSDKProvider(t *testing.T) {
	require.Error(t, genkithelper.Register(otel.GetTracerProvider()))
}
