package openaihelper_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openai"
)

// newClient is an openai-go client of the fake provider, traced into p
// (nil: not traced), with rec outside the helper recording what the SDK
// reads.
func newClient(fake *genaitest.Server, p *genaitest.Pipeline, rec *reads, opts ...openaihelper.Option) openai.Client {
	o := []option.RequestOption{option.WithBaseURL(fake.URL), option.WithAPIKey("sk-test"), option.WithMaxRetries(2)}
	if rec != nil {
		o = append(o, option.WithMiddleware(rec.middleware)) // given first: outermost
	}
	if p != nil {
		o = append(o, openaihelper.RequestOption(append([]openaihelper.Option{openaihelper.WithTracerProvider(p.TP)}, opts...)...))
	}
	return openai.NewClient(o...)
}

// reads records the bytes the SDK read of each response body.
type reads struct {
	mu     sync.Mutex
	bodies []*bytes.Buffer
}

func (r *reads) middleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	res, err := next(req)
	if res != nil && res.Body != nil {
		buf := &bytes.Buffer{}
		r.mu.Lock()
		r.bodies = append(r.bodies, buf)
		r.mu.Unlock()
		res.Body = teeCloser{Reader: io.TeeReader(res.Body, lockedWriter{r, buf}), Closer: res.Body}
	}
	return res, err
}

func (r *reads) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.bodies))
	for i, b := range r.bodies {
		out[i] = b.String()
	}
	return out
}

type lockedWriter struct {
	r   *reads
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.buf.Write(p)
}

type teeCloser struct {
	io.Reader
	io.Closer
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
