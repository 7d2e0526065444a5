package geminihelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genai"

	"github.com/mindlytics/mindlytics-otel/instrument/geminihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

const model = "gemini-2.5-flash"

// newClient is a Gemini client of the fake provider, traced into p (nil:
// not traced), with rec outside the helper recording what the SDK reads.
func newClient(tb testing.TB, fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads, opts ...geminihelper.Option) *genai.Client {
	tb.Helper()
	var rt http.RoundTripper = http.DefaultTransport
	if p != nil {
		rt = geminihelper.NewTransport(nil, append([]geminihelper.Option{geminihelper.WithTracerProvider(p.TP)}, opts...)...)
	}
	if rec != nil {
		rt = rec.Transport(rt)
	}
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "gemini-test-key", Backend: genai.BackendGeminiAPI,
		HTTPClient: &http.Client{Transport: rt}, HTTPOptions: genai.HTTPOptions{BaseURL: fake.URL},
	})
	require.NoError(tb, err)
	return c
}

var weatherTool = &genai.Tool{FunctionDeclarations: []*genai.FunctionDeclaration{{
	Name: "get_weather", Description: "Get the weather of a city",
	Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{
		"location": {Type: genai.TypeString}}, Required: []string{"location"}},
}}}

func config() *genai.GenerateContentConfig {
	return &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText("You are a weather bot.", genai.RoleUser),
		Temperature:       genai.Ptr[float32](0.25),
		Tools:             []*genai.Tool{weatherTool},
	}
}
