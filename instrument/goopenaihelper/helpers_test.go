package goopenaihelper_test

import (
	"net/http"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// newClient is a go-openai client of the fake provider, traced into p (nil:
// not traced), with rec outside the helper recording what go-openai reads.
func newClient(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads, opts ...goopenaihelper.Option) *openai.Client {
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = fake.URL + "/v1"
	var rt http.RoundTripper = http.DefaultTransport
	if p != nil {
		rt = goopenaihelper.NewTransport(nil, append([]goopenaihelper.Option{goopenaihelper.WithTracerProvider(p.TP)}, opts...)...)
	}
	if rec != nil {
		rt = rec.Transport(rt)
	}
	cfg.HTTPClient = &http.Client{Transport: rt}
	return openai.NewClientWithConfig(cfg)
}

var weatherTool = openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
	Name: "get_weather", Description: "Get the weather of a city",
	Parameters: jsonschema.Definition{Type: jsonschema.Object, Properties: map[string]jsonschema.Definition{
		"location": {Type: jsonschema.String}}, Required: []string{"location"}},
}}

func chatRequest(question string, stream bool) openai.ChatCompletionRequest {
	r := openai.ChatCompletionRequest{
		Model: openai.GPT4o,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: "You are a weather bot."},
			{Role: openai.ChatMessageRoleUser, Content: question},
		},
		Tools:       []openai.Tool{weatherTool},
		Temperature: 0.2,
		Stream:      stream,
	}
	if stream {
		r.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	return r
}
