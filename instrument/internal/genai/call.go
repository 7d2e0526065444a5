package genai

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Instrumenter makes the spans of model calls. It is safe for concurrent
// use.
type Instrumenter struct {
	tracer  trace.Tracer
	capture bool
	redact  Redactor
}

// New builds an Instrumenter whose spans carry the instrumentation scope
// named scope.
func New(scope, version string, opts ...Option) *Instrumenter {
	c := resolve(opts)
	return &Instrumenter{
		tracer:  c.TracerProvider.Tracer(scope, trace.WithInstrumentationVersion(version)),
		capture: *c.Capture,
		redact:  c.Redact,
	}
}

// Call is one logical model call and its span, which ends exactly once.
type Call struct {
	in      *Instrumenter
	span    trace.Span
	req     *Request
	start   time.Time
	once    sync.Once
	retries int
	// the failure of the last attempt, while a retry is awaited
	lastFail *failure
	lastAt   time.Time
}

// failure is how a call failed: error.type and the status description.
type failure struct {
	kind, msg string
}

// Start starts the span of a call as a child of ctx's span (or of the
// model span a framework's helper registered for ctx: Enclose), with what
// sampling may want at creation (operation, provider, model, server).
// server may be nil.
func (in *Instrumenter) Start(ctx context.Context, req *Request, server *url.URL) (context.Context, *Call) {
	return in.startAt(ctx, req, server, time.Now())
}

func (in *Instrumenter) startAt(ctx context.Context, req *Request, server *url.URL, start time.Time) (context.Context, *Call) {
	ctx = enclosed(ctx) // under a framework's model span of this call, if one is open (enclosing.go)
	attrs := make([]attribute.KeyValue, 0, 8+len(req.Params))
	provider := req.Provider
	if provider == "" {
		provider = providerOpenAI
	}
	attrs = append(attrs,
		sc.OperationName(sc.GenAIOperationChat),
		conventions.GenAIProviderNameKey.String(provider),
		sc.RequestModel(req.Model),
	)
	if provider == providerOpenAI {
		attrs = append(attrs, openaiAPITypeKey.String(apiType(req.API)))
	}
	if server != nil {
		attrs = append(attrs, serverAttrs(server)...)
	}
	if req.Stream {
		attrs = append(attrs, requestStreamKey.Bool(true))
	}
	attrs = append(attrs, req.Params...)
	if InTurn(ctx) {
		attrs = append(attrs, conventions.InTurn())
	}
	c := &Call{in: in, req: req, start: start}
	ctx, c.span = in.tracer.Start(ctx, sc.ChatSpanName(req.Model),
		trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(c.start), trace.WithAttributes(attrs...))
	if in.capture && c.span.IsRecording() {
		c.span.SetAttributes(in.inputAttrs(req)...)
	}
	return ctx, c
}

func apiType(api API) string {
	if api == APIResponses {
		return apiTypeResponses
	}
	return apiTypeChat
}

func serverAttrs(u *url.URL) []attribute.KeyValue {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	kv := []attribute.KeyValue{serverAddressKey.String(host)}
	if p, err := strconv.Atoi(port); err == nil {
		kv = append(kv, serverPortKey.Int(p))
	}
	return kv
}

// inputAttrs are the captured input messages and system instructions,
// redacted.
func (in *Instrumenter) inputAttrs(req *Request) []attribute.KeyValue {
	msgs := req.Input
	system := req.System
	if in.redact != nil {
		msgs = append([]Message(nil), msgs...)
		for i := range msgs {
			msgs[i].Parts = append([]Part(nil), msgs[i].Parts...)
		}
		redactMessages(in.redact, msgs)
		system = append([]Part(nil), system...)
		for i := range system {
			redactPart(in.redact, conventions.GenAIRoleSystem, &system[i])
		}
	}
	kv := make([]attribute.KeyValue, 0, 2)
	if len(msgs) > 0 {
		kv = append(kv, conventions.GenAIInputMessagesKey.String(marshal(nonNilParts(msgs))))
	}
	if len(system) > 0 {
		kv = append(kv, systemInstructionsKey.String(marshal(system)))
	}
	return kv
}

// nonNilParts makes every message's parts an array, as the schema wants.
func nonNilParts(msgs []Message) []Message {
	for i := range msgs {
		if msgs[i].Parts == nil {
			msgs[i].Parts = []Part{}
		}
	}
	return msgs
}

// Span returns the call's span.
func (c *Call) Span() trace.Span { return c.span }

// Retrying records a failed attempt that the client will make again; the
// span stays open for it.
func (c *Call) Retrying(kind, msg string) {
	c.retries++
	c.lastFail, c.lastAt = &failure{kind: kind, msg: msg}, time.Now()
	c.span.AddEvent("retry", trace.WithTimestamp(c.lastAt),
		trace.WithAttributes(errorTypeKey.String(kind), attribute.Int("attempt", c.retries)))
}

// EndPending ends a call whose awaited retry never came, with the last
// attempt's failure at its time.
func (c *Call) EndPending() {
	c.end(nil, c.lastFail, c.lastAt)
}

// End ends the span with what the call answered (res may be nil) and how it
// failed (fail may be nil), at the time given (zero: now).
func (c *Call) end(res *Response, fail *failure, at time.Time) {
	c.once.Do(func() {
		if res != nil && c.span.IsRecording() {
			c.span.SetAttributes(c.responseAttrs(res)...)
			if fail == nil && res.Err != nil {
				fail = &failure{kind: res.Err.kind(errorOther), msg: res.Err.Message}
			}
		}
		if fail != nil {
			c.span.SetAttributes(errorTypeKey.String(fail.kind))
			c.span.SetStatus(codes.Error, fail.msg)
		}
		if at.IsZero() {
			at = time.Now()
		}
		c.span.End(trace.WithTimestamp(at))
	})
}

// EndFailure ends the span of a call that failed as kind (error.type)
// with msg, now.
func (c *Call) EndFailure(kind, msg string) {
	c.end(nil, &failure{kind: kind, msg: msg}, time.Time{})
}

// EndError ends the span of a call whose last attempt failed with err at
// the time given.
func (c *Call) EndError(err error, at time.Time) {
	c.end(nil, errFailure(err), at)
}

func (c *Call) responseAttrs(r *Response) []attribute.KeyValue {
	kv := make([]attribute.KeyValue, 0, 10)
	if r.ID != "" {
		kv = append(kv, responseIDKey.String(r.ID))
	}
	if r.Model != "" {
		kv = append(kv, sc.ResponseModel(r.Model))
	}
	if len(r.FinishReasons) > 0 {
		kv = append(kv, finishReasonsKey.StringSlice(r.FinishReasons))
	}
	if r.ServiceTier != "" {
		kv = append(kv, responseTierKey.String(r.ServiceTier))
	}
	if r.Fingerprint != "" {
		kv = append(kv, fingerprintKey.String(r.Fingerprint))
	}
	if u := r.Usage; u.Known {
		kv = append(kv, sc.InputTokensKey.Int64(u.Input), sc.OutputTokensKey.Int64(u.Output))
		if u.CacheRead > 0 {
			kv = append(kv, cacheReadKey.Int64(u.CacheRead))
		}
		if u.Reasoning > 0 {
			kv = append(kv, reasoningKey.Int64(u.Reasoning))
		}
	}
	if c.in.capture && len(r.Output) > 0 {
		out := r.Output
		if c.in.redact != nil {
			redactMessages(c.in.redact, out) // r is ours alone
		}
		kv = append(kv, conventions.GenAIOutputMessagesKey.String(marshal(nonNilParts(out))))
	}
	return kv
}

// errFailure classifies a transport or read error.
func errFailure(err error) *failure {
	return &failure{kind: errorKind(err), msg: err.Error()}
}

func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return errorCancelled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return errorTimeout
	}
	return fmt.Sprintf("%T", unwrapAll(err))
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
