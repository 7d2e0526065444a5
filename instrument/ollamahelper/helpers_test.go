package ollamahelper_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"
)

// newClient is an Ollama client of the fake server, traced into p (nil:
// not traced), with rec outside the helper recording what the client reads.
func newClient(tb testing.TB, fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads, opts ...ollamahelper.Option) *api.Client {
	tb.Helper()
	var rt http.RoundTripper = http.DefaultTransport
	if p != nil {
		rt = ollamahelper.NewTransport(nil, append([]ollamahelper.Option{ollamahelper.WithTracerProvider(p.TP)}, opts...)...)
	}
	if rec != nil {
		rt = rec.Transport(rt)
	}
	base, err := url.Parse(fake.URL)
	require.NoError(tb, err)
	return api.NewClient(base, &http.Client{Transport: rt})
}

func chatRequest(question string, stream bool) *api.ChatRequest {
	return &api.ChatRequest{
		Model: "llama3.2",
		Messages: []api.Message{
			{Role: "system", Content: "You are a weather bot."},
			{Role: "user", Content: question},
		},
		Stream:  &stream,
		Options: map[string]any{"temperature": 0.2},
	}
}
