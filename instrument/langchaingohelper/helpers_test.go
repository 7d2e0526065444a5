package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/callbacks"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
)

// newHandler is a handler whose spans go to p.
func newHandler(p *genaitest.Pipeline, opts ...langchaingohelper.Option) *langchaingohelper.Handler {
	return langchaingohelper.NewHandler(append([]langchaingohelper.Option{
		langchaingohelper.WithTracerProvider(p.TP), langchaingohelper.WithModel("gpt-4o")}, opts...)...)
}

// newLLM is langchaingo's OpenAI model on the fake provider, reporting to
// h (nil: none), over hc (nil: a client of its own, closed with the test).
func newLLM(t testing.TB, fake *genaitest.Server, h callbacks.Handler, hc *http.Client) *openai.LLM {
	t.Helper()
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	t.Cleanup(hc.CloseIdleConnections)
	opts := []openai.Option{openai.WithBaseURL(fake.URL + "/v1"), openai.WithToken("sk-test"),
		openai.WithModel("gpt-4o"), openai.WithHTTPClient(hc)}
	if h != nil {
		opts = append(opts, openai.WithCallback(h))
	}
	llm, err := openai.New(opts...)
	require.NoError(t, err)
	return llm
}

func question(q string) []llms.MessageContent {
	return []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, "You are a weather bot."),
		llms.TextParts(llms.ChatMessageTypeHuman, q),
	}
}

// messages decodes a message JSON attribute.
func messages(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &out), s)
	return out
}

// weather is a tool that reports to its handler as langchaingo's own tools
// do; fail makes it fail.
type weather struct {
	h    callbacks.Handler
	fail error
}

func (weather) Name() string        { return "get_weather" }
func (weather) Description() string { return "Get the weather of a city" }

func (w weather) Call(ctx context.Context, input string) (string, error) {
	if w.h != nil {
		w.h.HandleToolStart(ctx, input)
	}
	if w.fail != nil {
		if w.h != nil {
			w.h.HandleToolError(ctx, w.fail)
		}
		return "", w.fail
	}
	out := "rainy, 14°C"
	if w.h != nil {
		w.h.HandleToolEnd(ctx, out)
	}
	return out, nil
}

// textStream is a streamed chat completion answering text, with the usage
// chunk of in and out tokens.
func textStream(text string, in, out int) []string {
	b, _ := json.Marshal(text)
	chunk := func(choices, usage string) string {
		return "data: " + `{"id":"chatcmpl-react","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":` +
			choices + `,"usage":` + usage + "}\n\n"
	}
	return []string{
		chunk(`[{"index":0,"delta":{"role":"assistant","content":`+string(b)+`},"finish_reason":null}]`, "null"),
		chunk(`[{"index":0,"delta":{},"finish_reason":"stop"}]`, "null"),
		chunk(`[]`, fmt.Sprintf(`{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}`, in, out, in+out)),
		"data: [DONE]\n\n",
	}
}
