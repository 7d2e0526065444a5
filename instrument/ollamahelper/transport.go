package ollamahelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"

const version = "0.1.0"

// HTTPClient returns an HTTP client that traces every Chat and Generate
// call made through it, streamed or not; give it to the Ollama client:
//
//	client := api.NewClient(baseURL, ollamahelper.HTTPClient())
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

// NewTransport wraps base (nil: http.DefaultTransport) so that it traces
// model calls; other requests (pull, embed, list…) pass through untouched.
func NewTransport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{base: base, in: genai.New(ScopeName, version, unwrap(opts)...)}
}

type transport struct {
	base http.RoundTripper
	in   *genai.Instrumenter
}

// RoundTrip makes one span per request: the Ollama client does not retry,
// so an HTTP request is a logical call.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	api := genai.MatchOllama(req)
	if api == 0 {
		return t.base.RoundTrip(req)
	}
	body, err := genai.ReadBody(req)
	if err != nil {
		return t.base.RoundTrip(req)
	}
	parsed, err := genai.ParseRequest(api, body)
	if err != nil {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	callCtx, call := t.in.Start(ctx, parsed, req.URL)
	res, err := t.base.RoundTrip(req.WithContext(callCtx))
	return call.Observe(ctx, res, err, nil), err
}
