package geminihelper

import (
	"net/http"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/geminihelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

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
	return &genai.Transport{Base: base, In: genai.New(ScopeName, version, unwrap(opts)...), Parser: parser}
}

// parser says which requests are generateContent calls: the SDK retries
// only when HTTPOptions.RetryOptions asks it to, and then each attempt is a
// span of its own.
func parser(req *http.Request) func([]byte) (*genai.Request, error) {
	model, ok := genai.MatchGemini(req)
	if !ok {
		return nil
	}
	path := req.URL.Path
	return func(body []byte) (*genai.Request, error) { return genai.ParseGeminiRequest(model, path, body) }
}
