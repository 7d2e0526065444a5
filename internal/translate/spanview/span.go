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
	name         string
	kind         trace.SpanKind
	start, end   time.Time
	traceID      trace.TraceID
	spanID       trace.SpanID
	parentID     trace.SpanID
	parentRemote bool // the parent is another process's: it never comes here
	attrs        Attrs
	resource     Attrs
	events       Events
	statusCode   codes.Code
	statusMsg    string
	scopeName    string
	scopeVersion string
}

// Name returns the span's name.
func (s *Span) Name() string { return s.name }

// Kind returns the span's kind.
func (s *Span) Kind() trace.SpanKind { return s.kind }

// StartTime returns when the span started.
func (s *Span) StartTime() time.Time { return s.start }

// EndTime returns when the span ended (zero if it has not).
func (s *Span) EndTime() time.Time { return s.end }

// TraceID returns the span's trace id.
func (s *Span) TraceID() trace.TraceID { return s.traceID }

// SpanID returns the span's id.
func (s *Span) SpanID() trace.SpanID { return s.spanID }

// ParentSpanID returns the parent's span id, invalid for a root span.
func (s *Span) ParentSpanID() trace.SpanID { return s.parentID }

// ParentIsRemote reports whether the parent span is another process's.
func (s *Span) ParentIsRemote() bool { return s.parentRemote }

// Attributes returns the span's attributes.
func (s *Span) Attributes() Attrs { return s.attrs }

// Resource returns the attributes of the span's resource.
func (s *Span) Resource() Attrs { return s.resource }

// Events returns the span's events.
func (s *Span) Events() Events { return s.events }

// Status returns the span's status code and description.
func (s *Span) Status() (codes.Code, string) { return s.statusCode, s.statusMsg }

// Failed reports whether the span's status is Error.
func (s *Span) Failed() bool { return s.statusCode == codes.Error }

// Scope returns the name and version of the instrumentation scope.
func (s *Span) Scope() (name, version string) { return s.scopeName, s.scopeVersion }

// Detached returns s with its own copy of its attributes: the span views
// of a batch may share memory that is reused for the next one (the
// collector's). Its resource and events are not reused.
func (s Span) Detached() Span {
	s.attrs.kvs = slices.Clone(s.attrs.kvs)
	return s
}

// EndOrStart is the span's end time, or its start when it has not ended.
func (s *Span) EndOrStart() time.Time {
	if s.end.IsZero() {
		return s.start
	}
	return s.end
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
func SetSpan(dst *Span, p *SpanParts) {
	// Field by field, every field: a literal is built aside and then
	// copied whole into *dst, which is in the heap (a batch's array).
	dst.name = p.Name
	dst.kind = p.Kind
	dst.start = p.Start
	dst.end = p.End
	dst.traceID = p.TraceID
	dst.spanID = p.SpanID
	dst.parentID = p.ParentSpanID
	dst.parentRemote = p.ParentIsRemote
	dst.attrs = AttrsOf(p.Attributes)
	dst.resource = sdkSet(p.Resource)
	dst.events = Events{sdk: p.Events}
	dst.statusCode = p.StatusCode
	dst.statusMsg = p.StatusMessage
	dst.scopeName = p.ScopeName
	dst.scopeVersion = p.ScopeVersion
}
