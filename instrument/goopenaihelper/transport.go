package goopenaihelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"

const version = "0.1.0"

// HTTPClient returns an HTTP client that traces every Chat Completions and
// Responses call made through it; give it to go-openai:
//
//	cfg := openai.DefaultConfig(apiKey)
//	cfg.HTTPClient = goopenaihelper.HTTPClient()
//	client := openai.NewClientWithConfig(cfg)
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

// NewTransport wraps base (nil: http.DefaultTransport) so that it traces
// model calls; other requests pass through untouched. Use it to keep an
// HTTP client of your own (proxies, timeouts): set its Transport.
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

// RoundTrip makes one span per request: go-openai does not retry, so an
// HTTP request is a logical call.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	api := genai.Match(req)
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
