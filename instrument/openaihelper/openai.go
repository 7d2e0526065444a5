package openaihelper

import (
	"net/http"

	"github.com/openai/openai-go/v3/option"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"

// version is the helper's version on its instrumentation scope.
// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

// RequestOption returns the client option that traces every Chat
// Completions and Responses call of the client:
//
//	client := openai.NewClient(openaihelper.RequestOption())
func RequestOption(opts ...Option) option.RequestOption {
	return option.WithMiddleware(Middleware(opts...))
}

// Middleware returns the middleware behind RequestOption, for a client that
// composes its own middleware chain. Requests to other endpoints pass
// through untouched.
func Middleware(opts ...Option) option.Middleware {
	h := &helper{in: genai.New(ScopeName, version, unwrap(opts)...), parked: newTracker()}
	return h.middleware
}

type helper struct {
	in     *genai.Instrumenter
	parked *tracker
}

// middleware runs once per attempt: openai-go calls middleware inside its
// retry loop. A span per logical call is kept by parking the call of an
// attempt the client will retry (see tracker) and resuming it when the next
// attempt of the same request arrives.
func (h *helper) middleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	api := genai.Match(req)
	if api == 0 {
		return next(req)
	}
	body, err := genai.ReadBody(req)
	if err != nil {
		return next(req)
	}
	parsed, err := genai.ParseRequest(api, body)
	if err != nil {
		return next(req) // not a body we know: the API will judge it
	}
	ctx := req.Context()
	k := keyOf(ctx, req, body)
	call := h.parked.claim(k)
	var callCtx = ctx
	if call == nil {
		callCtx, call = h.in.Start(ctx, parsed, req.URL)
	} else {
		callCtx = trace.ContextWithSpan(ctx, call.Span())
	}
	// The call's span is the parent of whatever traces the HTTP request
	// below (otelhttp on the client's transport).
	res, err := next(req.WithContext(callCtx))
	retry := func(c *genai.Call, res *http.Response) {
		h.parked.park(ctx, k, c, retryWait(req, res))
	}
	return call.Observe(ctx, res, err, retry), err
}
