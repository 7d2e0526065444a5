package spanview

import (
	"slices"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// FromReadOnlySpans views the spans an sdktrace.SpanExporter is given. The
// views share the spans' data; one slice is allocated for the batch.
func FromReadOnlySpans(spans []sdktrace.ReadOnlySpan) []Span {
	return AppendReadOnlySpans(nil, spans)
}

// AppendReadOnlySpans appends the views of spans to dst.
func AppendReadOnlySpans(dst []Span, spans []sdktrace.ReadOnlySpan) []Span {
	n := len(dst)
	dst = slices.Grow(dst, len(spans))[:n+len(spans)]
	for i, s := range spans {
		fillFromReadOnly(&dst[n+i], s)
	}
	return dst
}

// FromReadOnlySpan views one SDK span.
func FromReadOnlySpan(s sdktrace.ReadOnlySpan) Span {
	var v Span
	fillFromReadOnly(&v, s)
	return v
}

func fillFromReadOnly(v *Span, s sdktrace.ReadOnlySpan) {
	sc := s.SpanContext()
	status := s.Status()
	scope := s.InstrumentationScope()
	*v = Span{p: SpanParts{
		Name:           s.Name(),
		Kind:           s.SpanKind(),
		Start:          s.StartTime().Round(0), // wall clock only, as pdata has it
		End:            s.EndTime().Round(0),
		TraceID:        sc.TraceID(),
		SpanID:         sc.SpanID(),
		ParentSpanID:   s.Parent().SpanID(),
		ParentIsRemote: s.Parent().IsRemote(),
		Attributes:     s.Attributes(),
		Events:         s.Events(),
		StatusCode:     status.Code,
		StatusMessage:  status.Description,
		ScopeName:      scope.Name,
		ScopeVersion:   scope.Version,
	}}
	if res := s.Resource(); res != nil {
		v.p.Resource = res.Set()
	}
}
