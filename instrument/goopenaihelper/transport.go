package goopenaihelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

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
	return &genai.Transport{Base: base, In: genai.New(ScopeName, version, unwrap(opts)...), Parser: parser}
}

// parser says which requests are Chat Completions and Responses calls:
// go-openai does not retry, so an HTTP request is a logical call.
func parser(req *http.Request) func([]byte) (*genai.Request, error) {
	api := genai.Match(req)
	if api == 0 {
		return nil
	}
	return func(body []byte) (*genai.Request, error) { return genai.ParseRequest(api, body) }
}
