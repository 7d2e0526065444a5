package instrument

import (
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Sampler returns a sampler that decides as inner does, except that a span
// Mindlytics needs is never dropped: where inner says drop, such a span is
// recorded without being sampled (sdktrace.RecordOnly). Its trace flags stay
// not sampled, so the provider's other exporters (behind batch or simple
// span processors, which export sampled spans only) still see inner's
// sample alone, and the traceparent sent to other services says what inner
// decided; the client's processor exports recorded spans too, so every
// conversation reaches Mindlytics whatever the tracing backend keeps.
//
// A span is needed when it is started in a context that carries a session
// or a conversation ([ContextWithSession], [ContextWithConversation], the
// middleware, or session.id or gen_ai.conversation.id baggage from a
// calling service), under a span kept this way (so the trace stays whole
// for the translation), or with attributes of a conversation at its start:
// any gen_ai.* or mindlytics.* key (every span of this package and of the
// LLM-client helpers has one), a session id key the translation reads, or
// the span kinds of OpenInference and OpenLLMetry.
//
// Give it to the application's provider, around the sampler it would use:
//
//	tp := sdktrace.NewTracerProvider(
//		sdktrace.WithSampler(instrument.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01)))),
//		sdktrace.WithBatcher(tracingExporter),
//	)
//	client, err := instrument.New(ctx, instrument.WithTracerProvider(tp))
//
// A provider that [New] builds itself uses Sampler(ParentBased(AlwaysSample())):
// a caller's not-sampled traceparent does not lose the spans either.
func Sampler(inner sdktrace.Sampler) sdktrace.Sampler { return sampler{inner: inner} }

type sampler struct{ inner sdktrace.Sampler }

// ShouldSample asks inner first: only what it drops costs a look at the
// context and attributes.
func (s sampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	r := s.inner.ShouldSample(p)
	if r.Decision == sdktrace.Drop && needed(p) {
		r.Decision = sdktrace.RecordOnly
	}
	return r
}

func (s sampler) Description() string { return "MindlyticsSampler{" + s.inner.Description() + "}" }

// needed says whether the span p describes belongs to a conversation.
func needed(p sdktrace.SamplingParameters) bool {
	ctx := p.ParentContext
	if parent := trace.SpanFromContext(ctx); parent.IsRecording() && !parent.SpanContext().IsSampled() {
		return true // the child of a span kept for Mindlytics (or recorded by inner's choice)
	}
	if SessionFromContext(ctx) != nil || conversationFromContext(ctx) != "" {
		return true
	}
	if id := identityFromBaggage(ctx); id[fSession] != "" || id[fConversation] != "" {
		return true
	}
	for _, kv := range p.Attributes {
		if conversational(kv.Key) {
			return true
		}
	}
	return false
}

// conversational says whether a span with key k at its start belongs to a
// conversation: the gen_ai.* and mindlytics.* keys, the session id keys the
// translation reads (conventions.DefaultSessionKeys; a test checks that
// this list has them all) and the span kinds of OpenInference and
// OpenLLMetry. A switch, not a map: no hashing on the path of every span
// the application's sampler drops.
func conversational(k attribute.Key) bool {
	if strings.HasPrefix(string(k), "gen_ai.") || strings.HasPrefix(string(k), "mindlytics.") {
		return true
	}
	switch k {
	case sc.SessionIDKey, conventions.TraceloopSessionIDKey, conventions.LangfuseSessionIDKey,
		conventions.VercelSessionIDKey, conventions.VercelContextSessionIDKey, conventions.MastraSessionIDKey,
		conventions.GenkitSessionIDKey,
		conventions.OpenInferenceSpanKindKey, conventions.TraceloopSpanKindKey, conventions.LLMRequestTypeKey:
		return true
	}
	return false
}

// recordedProcessor hands its processor (the client's batch span
// processor, which skips spans not sampled) every recorded span: those
// [Sampler] records only are the ones sampling would otherwise take from
// Mindlytics. The Mindlytics exporter reads no trace flags.
type recordedProcessor struct{ sdktrace.SpanProcessor }

func (p *recordedProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if !s.SpanContext().IsSampled() {
		s = sampledView{s}
	}
	p.SpanProcessor.OnEnd(s)
}

// sampledView is a recorded span seen as sampled.
type sampledView struct{ sdktrace.ReadOnlySpan }

func (v sampledView) SpanContext() trace.SpanContext {
	c := v.ReadOnlySpan.SpanContext()
	return c.WithTraceFlags(c.TraceFlags().WithSampled(true))
}
