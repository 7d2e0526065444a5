package translate

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// FromTraces views every span of td, as a collector exporter receives them.
// The views share td's data; one slice is allocated for the batch.
func FromTraces(td ptrace.Traces) []Span {
	out := make([]Span, 0, td.SpanCount())
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				out = append(out, FromPdata(spans.At(k), rs.Resource(), ss.Scope()))
			}
		}
	}
	return out
}

// FromPdata views one pdata span with its resource and instrumentation scope.
func FromPdata(s ptrace.Span, res pcommon.Resource, scope pcommon.InstrumentationScope) Span {
	status := s.Status()
	return Span{
		name:         s.Name(),
		kind:         trace.SpanKind(s.Kind()), // same numbering as OTLP
		start:        asTime(s.StartTimestamp()),
		end:          asTime(s.EndTimestamp()),
		traceID:      trace.TraceID(s.TraceID()),
		spanID:       trace.SpanID(s.SpanID()),
		parentID:     trace.SpanID(s.ParentSpanID()),
		attrs:        pdataAttrs(s.Attributes()),
		resource:     pdataAttrs(res.Attributes()),
		events:       Events{pd: s.Events(), pdata: true},
		statusCode:   statusCode(status.Code()),
		statusMsg:    status.Message(),
		scopeName:    scope.Name(),
		scopeVersion: scope.Version(),
	}
}

// asTime keeps a zero timestamp zero, as the SDK reports an unended span.
func asTime(ts pcommon.Timestamp) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return ts.AsTime()
}

func statusCode(c ptrace.StatusCode) codes.Code {
	switch c {
	case ptrace.StatusCodeOk:
		return codes.Ok
	case ptrace.StatusCodeError:
		return codes.Error
	}
	return codes.Unset
}
