package spanview

import (
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Span is the read-only view of a span the translation works on. It is made
// by [FromReadOnlySpans] or, from another representation, [NewSpan]; it
// refers to the source span's data without copying it, so the source must
// stay unchanged while it is used.
type Span struct {
	// p is the span in the SDK's terms, as an adapter gives it (SetSpan,
	// Parts): one struct, copied or written in place whole.
	p SpanParts
}

// Name returns the span's name.
func (s *Span) Name() string { return s.p.Name }

// Kind returns the span's kind.
func (s *Span) Kind() trace.SpanKind { return s.p.Kind }

// StartTime returns when the span started.
func (s *Span) StartTime() time.Time { return s.p.Start }

// EndTime returns when the span ended (zero if it has not).
func (s *Span) EndTime() time.Time { return s.p.End }

// TraceID returns the span's trace id.
func (s *Span) TraceID() trace.TraceID { return s.p.TraceID }

// SpanID returns the span's id.
func (s *Span) SpanID() trace.SpanID { return s.p.SpanID }

// ParentSpanID returns the parent's span id, invalid for a root span.
func (s *Span) ParentSpanID() trace.SpanID { return s.p.ParentSpanID }

// ParentIsRemote reports whether the parent span is another process's.
func (s *Span) ParentIsRemote() bool { return s.p.ParentIsRemote }

// Attributes returns the span's attributes.
func (s *Span) Attributes() Attrs { return AttrsOf(s.p.Attributes) }

// Resource returns the attributes of the span's resource.
func (s *Span) Resource() Attrs { return sdkSet(s.p.Resource) }

// Events returns the span's events.
func (s *Span) Events() Events { return Events{sdk: s.p.Events} }

// Status returns the span's status code and description.
func (s *Span) Status() (codes.Code, string) { return s.p.StatusCode, s.p.StatusMessage }

// Failed reports whether the span's status is Error.
func (s *Span) Failed() bool { return s.p.StatusCode == codes.Error }

// Scope returns the name and version of the instrumentation scope.
func (s *Span) Scope() (name, version string) { return s.p.ScopeName, s.p.ScopeVersion }

// Detached returns s with its own copy of its attributes: the span views
// of a batch may share memory that is reused for the next one (the
// collector's). Its resource and events are not reused.
func (s Span) Detached() Span {
	s.p.Attributes = slices.Clone(s.p.Attributes)
	return s
}

// EndOrStart is the span's end time, or its start when it has not ended.
func (s *Span) EndOrStart() time.Time {
	if s.p.End.IsZero() {
		return s.p.Start
	}
	return s.p.End
}

// Events is the read-only list of a span's events.
type Events struct {
	sdk []sdktrace.Event
}

// Len returns the number of events.
func (e Events) Len() int { return len(e.sdk) }

// At returns the i-th event.
func (e Events) At(i int) SpanEvent {
	ev := &e.sdk[i]
	return SpanEvent{Name: ev.Name, Time: ev.Time, Attrs: AttrsOf(ev.Attributes)}
}

// SpanEvent is one event of a span.
type SpanEvent struct {
	Name  string
	Time  time.Time
	Attrs Attrs
}

// SpanParts is a span in the SDK's terms, for adapters of other
// representations (the collector component's pdata adapter).
type SpanParts struct {
	Name         string
	Kind         trace.SpanKind
	Start, End   time.Time
	TraceID      trace.TraceID
	SpanID       trace.SpanID
	ParentSpanID trace.SpanID
	// ParentIsRemote says the parent span is another process's.
	ParentIsRemote bool
	Attributes     []attribute.KeyValue
	Resource       *attribute.Set
	Events         []sdktrace.Event
	StatusCode     codes.Code
	StatusMessage  string
	ScopeName      string
	ScopeVersion   string
}

// NewSpan views p; the view shares p's slices.
func NewSpan(p SpanParts) Span {
	var v Span
	SetSpan(&v, &p)
	return v
}

// SetSpan makes *dst the view of *p, as NewSpan does, in place: an adapter
// that views a batch into one array spares copying each view twice.
func SetSpan(dst *Span, p *SpanParts) { dst.p = *p }

// Parts returns the parts of *dst, for an adapter to write the view in
// place, field by field: it spares building the parts aside and copying
// them. The adapter writes every field (a field it leaves keeps what the
// view held before).
func Parts(dst *Span) *SpanParts { return &dst.p }
