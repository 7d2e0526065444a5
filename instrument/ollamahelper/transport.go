package ollamahelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

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
	return &genai.Transport{Base: base, In: genai.New(ScopeName, version, unwrap(opts)...), Parser: parser}
}

// parser says which requests are chat and generate calls: the Ollama
// client does not retry, so an HTTP request is a logical call.
func parser(req *http.Request) func([]byte) (*genai.Request, error) {
	api := genai.MatchOllama(req)
	if api == 0 {
		return nil
	}
	return func(body []byte) (*genai.Request, error) { return genai.ParseRequest(api, body) }
}
