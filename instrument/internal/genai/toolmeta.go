package genai

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
)

// FunctionRecordedMeta is the _meta key a caller's helper sets on a tool
// call it records as a Mindlytics function: the serving side's helper then
// leaves its own span out of the count. It rides on the one request, not in
// baggage, so a tool the server calls in turn is not affected.
const FunctionRecordedMeta = "ai.mindlytics/function-recorded"

// toolPropagator carries the W3C trace context and baggage in a request's
// _meta, as the MCP conventions say (traceparent, tracestate, baggage). It
// is ours, not the global one, which is a no-op unless the app sets it.
var toolPropagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// metaCarrier is a _meta map as a TextMapCarrier; only string values are
// read.
type metaCarrier map[string]any

func (m metaCarrier) Get(key string) string {
	s, _ := m[key].(string)
	return s
}

func (m metaCarrier) Set(key, value string) { m[key] = value }

func (m metaCarrier) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// InjectMeta returns a copy of meta (which it leaves alone: it may be the
// caller's) with ctx's trace context and baggage, and, when recorded, the
// mark that the caller records the call as a function.
func InjectMeta(ctx context.Context, meta map[string]any, recorded bool) map[string]any {
	out := make(map[string]any, len(meta)+4)
	for k, v := range meta {
		out[k] = v
	}
	toolPropagator.Inject(ctx, metaCarrier(out))
	if recorded {
		out[FunctionRecordedMeta] = true
	}
	return out
}

// ExtractMeta returns ctx with the trace context and baggage a request's
// _meta carries, and whether the caller records the call as a function.
func ExtractMeta(ctx context.Context, meta map[string]any) (context.Context, bool) {
	if len(meta) == 0 {
		return ctx, false
	}
	recorded, _ := meta[FunctionRecordedMeta].(bool)
	return toolPropagator.Extract(ctx, metaCarrier(meta)), recorded
}
