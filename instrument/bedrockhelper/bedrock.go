package bedrockhelper

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/bedrockhelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

// Instrument returns the client option that traces Converse,
// ConverseStream and InvokeModel:
//
//	client := bedrockruntime.NewFromConfig(cfg, bedrockhelper.Instrument())
//
// It adds a smithy middleware (once per operation call, around the SDK's
// retries) and wraps the client's HTTP client (once per attempt, where the
// request and answer bytes are read), so that each call is one span
// whatever the number of attempts.
func Instrument(opts ...Option) func(*bedrockruntime.Options) {
	h := &helper{in: genai.New(ScopeName, version, unwrap(opts)...)}
	return func(o *bedrockruntime.Options) {
		o.HTTPClient = &httpClient{next: o.HTTPClient, h: h}
		o.APIOptions = append(o.APIOptions, h.register)
	}
}

type helper struct {
	in *genai.Instrumenter
}

// logicalCall carries one operation call's span from its first attempt to
// the next ones and to its end.
type logicalCall struct {
	mu   sync.Mutex
	call *genai.Call
}

type callKey struct{}

func (h *helper) register(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("mindlytics.bedrockhelper", h.initialize), middleware.Before)
}

// initialize runs once per operation call: the span starts at its first
// attempt's request (httpClient) and ends with the answer's body, or here
// when the call failed after its last attempt.
func (h *helper) initialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	lc := &logicalCall{}
	out, md, err := next.HandleInitialize(context.WithValue(ctx, callKey{}, lc), in)
	if err != nil {
		lc.mu.Lock()
		call := lc.call
		lc.mu.Unlock()
		if call != nil {
			call.EndFailure(errorType(err), err.Error())
		}
	}
	return out, md, err
}

// errorType is error.type of a failed call: the service's error code
// (ThrottlingException, ValidationException…), else cancelled, timeout or
// the spec's _OTHER.
func errorType(err error) string {
	var api smithy.APIError
	switch {
	case errors.As(err, &api) && api.ErrorCode() != "":
		return api.ErrorCode()
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "_OTHER"
}

// httpClient sees each attempt's bytes.
type httpClient struct {
	next bedrockruntime.HTTPClient
	h    *helper
}

func (c *httpClient) Do(req *http.Request) (*http.Response, error) {
	api, model := genai.MatchBedrock(req)
	ctx := req.Context()
	lc, _ := ctx.Value(callKey{}).(*logicalCall)
	if api == 0 || lc == nil {
		return c.next.Do(req)
	}
	lc.mu.Lock()
	call := lc.call
	callCtx := ctx
	if call == nil {
		body, err := genai.ReadBody(req)
		if err != nil {
			lc.mu.Unlock()
			return c.next.Do(req)
		}
		parsed, err := genai.ParseBedrockRequest(api, model, body)
		if err != nil {
			lc.mu.Unlock()
			return c.next.Do(req) // not a body we know: the service will judge it
		}
		callCtx, call = c.h.in.Start(ctx, parsed, req.URL)
		lc.call = call
	} else {
		callCtx = trace.ContextWithSpan(ctx, call.Span())
	}
	lc.mu.Unlock()
	res, err := c.next.Do(req.WithContext(callCtx))
	if err != nil || res.StatusCode >= 400 {
		// The SDK decides whether to retry; the call ends with its last
		// attempt (initialize).
		return res, err
	}
	return call.Observe(ctx, res, nil, nil), nil
}
