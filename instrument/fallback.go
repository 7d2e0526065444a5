package instrument

import (
	"context"
	"errors"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	mlwire "github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ErrSpanSampledOut is said once per client, through the error handler,
// when the application's TracerProvider ([WithTracerProvider]) did not
// record a span of the hand API: its sampler drops what Mindlytics needs.
// The span is then recorded on the client's own provider and still reaches
// Mindlytics; spans other libraries start under it follow the
// application's sampler. The fix is to wrap that sampler with [Sampler].
var ErrSpanSampledOut = errors.New("instrument: the application's sampler dropped a span of the hand API; it was recorded anyway, but wrap the sampler with instrument.Sampler so that the spans under it (LLM clients, tools) are kept too")

// fallback is the client's own provider for the hand API's spans that the
// application's provider does not record: recording only (the trace stays
// as the application's sampler decided), through the client's processors.
type fallback struct {
	once   sync.Once
	mu     sync.Mutex // guards tp for Shutdown
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
}

// shutdown shuts the fallback provider down, when there is one.
func (f *fallback) shutdown(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tp == nil {
		return nil
	}
	return f.tp.Shutdown(ctx)
}

// startSpan starts a span of the hand API. With the application's provider
// a sampler that was not wrapped with [Sampler] may drop it; the span is
// then started on the client's fallback provider, so that the hand API's
// spans are never lost to sampling.
func (c *Client) startSpan(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	spanCtx, span := c.tracer.Start(ctx, name, opts...)
	if span.IsRecording() || c.ownTP {
		return spanCtx, span
	}
	c.mu.Lock()
	down := c.shutdown
	c.mu.Unlock()
	if down {
		return spanCtx, span // its processors are shut down: nothing would take it
	}
	c.fallback.once.Do(func() {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(recordOnly{}),
			sdktrace.WithSpanProcessor(c.stamp), sdktrace.WithSpanProcessor(c.batcher))
		c.fallback.mu.Lock()
		c.fallback.tp = tp
		c.fallback.mu.Unlock()
		c.fallback.tracer = tp.Tracer(scopeName, trace.WithInstrumentationVersion(mlwire.Version))
		c.handleError(ErrSpanSampledOut)
	})
	return c.fallback.tracer.Start(ctx, name, opts...)
}

// recordOnly records every span without sampling it: the flags the
// application's sampler chose stay (Sampler's decision for spans it keeps).
type recordOnly struct{}

func (recordOnly) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	return sdktrace.SamplingResult{Decision: sdktrace.RecordOnly, Tracestate: trace.SpanContextFromContext(p.ParentContext).TraceState()}
}

func (recordOnly) Description() string { return "instrument.recordOnly" }
