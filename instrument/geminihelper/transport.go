package geminihelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/geminihelper"

const version = "0.1.0"

// HTTPClient returns an HTTP client that traces every generateContent call
// made through it, streamed or not; give it to google.golang.org/genai:
//
//	client, err := genai.NewClient(ctx, &genai.ClientConfig{HTTPClient: geminihelper.HTTPClient()})
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

// NewTransport wraps base (nil: http.DefaultTransport) so that it traces
// model calls; other requests (files, caches, embeddings, token counts)
// pass through untouched. Use it to keep an HTTP client of your own: set
// its Transport. On Vertex AI the SDK builds an authenticating client when
// it is given none: wrap that client's transport instead.
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

// RoundTrip makes one span per request: the SDK retries only when
// HTTPOptions.RetryOptions asks it to, and then each attempt is a span of
// its own.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	model, ok := genai.MatchGemini(req)
	if !ok {
		return t.base.RoundTrip(req)
	}
	body, err := genai.ReadBody(req)
	if err != nil {
		return t.base.RoundTrip(req)
	}
	parsed, err := genai.ParseGeminiRequest(model, req.URL.Path, body)
	if err != nil {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	callCtx, call := t.in.Start(ctx, parsed, req.URL)
	res, err := t.base.RoundTrip(req.WithContext(callCtx))
	return call.Observe(ctx, res, err, nil), err
}
