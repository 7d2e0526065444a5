package openaihelper_test

import (
	"encoding/json"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
)

// newClient is an openai-go client of the fake provider, traced into p
// (nil: not traced), with rec outside the helper recording what the SDK
// reads.
func newClient(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads, opts ...openaihelper.Option) openai.Client {
	o := []option.RequestOption{option.WithBaseURL(fake.URL), option.WithAPIKey("sk-test"), option.WithMaxRetries(2)}
	if rec != nil {
		o = append(o, option.WithMiddleware(rec.Middleware)) // given first: outermost
	}
	if p != nil {
		o = append(o, openaihelper.RequestOption(append([]openaihelper.Option{openaihelper.WithTracerProvider(p.TP)}, opts...)...))
	}
	return openai.NewClient(o...)
}

var weatherTool = openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
	Name:        "get_weather",
	Description: openai.String("Get the weather of a city"),
	Parameters: shared.FunctionParameters{
		"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}},
		"required": []string{"location"},
	},
})

func chatParams(question string) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("You are a weather bot."),
			openai.UserMessage(question),
		},
		Tools:       []openai.ChatCompletionToolUnionParam{weatherTool},
		Temperature: openai.Float(0.2),
	}
}

// messages decodes a message JSON attribute.
func messages(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &out), s)
	return out
}
