package anthropichelper_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/stretchr/testify/require"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// newClient is an anthropic client of the fake provider, traced into p
// (nil: spans off).
func newClient(fake *genaitest.Server, p *genaitest.Pipeline, opts ...anthropichelper.Option) anthropic.Client {
	return newRecordedClient(fake, p, nil, opts...)
}

// newRecordedClient is newClient with rec (unless nil) recording, outside
// the SDK's span, what the SDK reads of each response.
func newRecordedClient(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads, opts ...anthropichelper.Option) anthropic.Client {
	o := []option.RequestOption{option.WithBaseURL(fake.URL), option.WithAPIKey("sk-ant-test"), option.WithMaxRetries(2),
		option.WithHTTPClient(&http.Client{Transport: fake.Client().Transport})}
	if rec != nil {
		o = append(o, option.WithMiddleware(rec.Middleware)) // given first: outermost
	}
	if p != nil {
		o = append(o, anthropichelper.Options(append([]anthropichelper.Option{anthropichelper.WithTracerProvider(p.TP)}, opts...)...)...)
	} else {
		o = append(o, option.WithoutOpenTelemetry())
	}
	return anthropic.NewClient(o...)
}

var weatherTool = anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
	Name:        "get_weather",
	Description: anthropic.String("Get the weather of a city"),
	InputSchema: anthropic.ToolInputSchemaParam{
		Properties: map[string]any{"location": map[string]any{"type": "string"}},
		Required:   []string{"location"},
	},
}}

func params(question string) anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model:     "claude-sonnet-4-5",
		MaxTokens: 1024,
		System:    []anthropic.TextBlockParam{{Text: "You are a weather bot."}},
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(question))},
		Tools:     []anthropic.ToolUnionParam{weatherTool},
	}
}

// withToolResult is params after the model asked for the tool and it ran.
func withToolResult(p anthropic.MessageNewParams, asked *anthropic.Message, result string) anthropic.MessageNewParams {
	var id string
	for _, b := range asked.Content {
		if b.Type == "tool_use" {
			id = b.ID
		}
	}
	p.Messages = append(p.Messages, asked.ToParam(),
		anthropic.NewUserMessage(anthropic.NewToolResultBlock(id, result, false)))
	return p
}

func messages(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &out), s)
	return out
}
