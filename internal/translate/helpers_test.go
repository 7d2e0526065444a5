package translate

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// t0 is the base time of every test span.
var t0 = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

// at formats t0+d as an event timestamp.
func at(d time.Duration) string { return wire.FormatTimestamp(t0.Add(d)) }

// spanSpec describes a span to record. parent is the index of the parent in
// the same list, or -1 for a root (a new trace).
type spanSpec struct {
	name       string
	parent     int
	start, end time.Duration
	attrs      []attribute.KeyValue
	events     []eventSpec
	status     codes.Code
	statusMsg  string
	scope      string // the instrumentation scope; "" is translate-test
}

type eventSpec struct {
	name  string
	at    time.Duration
	attrs []attribute.KeyValue
}

func root(name string, start, end time.Duration, attrs ...attribute.KeyValue) spanSpec {
	return spanSpec{name: name, parent: -1, start: start, end: end, attrs: attrs}
}

func child(parent int, name string, start, end time.Duration, attrs ...attribute.KeyValue) spanSpec {
	return spanSpec{name: name, parent: parent, start: start, end: end, attrs: attrs}
}

func (s spanSpec) withEvents(evs ...eventSpec) spanSpec { s.events = evs; return s }

// inScope records the span under another instrumentation scope, as a
// second library would.
func (s spanSpec) inScope(name string) spanSpec { s.scope = name; return s }

// seqIDs gives predictable trace and span ids: trace 1, 2, … and span 1, 2, ….
type seqIDs struct {
	mu          sync.Mutex
	trace, span uint64
}

func (g *seqIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trace++
	g.span++
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[8:], g.trace)
	var sid trace.SpanID
	binary.BigEndian.PutUint64(sid[:], g.span)
	return tid, sid
}

func (g *seqIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.span++
	var sid trace.SpanID
	binary.BigEndian.PutUint64(sid[:], g.span)
	return sid
}

// traceIDHex is the id seqIDs gives the n-th trace, as a session fallback.
func traceIDHex(n uint64) string {
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[8:], n)
	return tid.String()
}

// recordSpans records real SDK spans with a tracetest.SpanRecorder. Spans end in
// reverse order (children before parents), as they do in real code.
func recordSpans(t testing.TB, res []attribute.KeyValue, specs ...spanSpec) []sdktrace.ReadOnlySpan {
	t.Helper()
	return recordWith(t, &seqIDs{}, res, specs...)
}

func recordWith(t testing.TB, ids *seqIDs, res []attribute.KeyValue, specs ...spanSpec) []sdktrace.ReadOnlySpan {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(rec),
		sdktrace.WithIDGenerator(ids),
		sdktrace.WithResource(resource.NewSchemaless(res...)),
		sdktrace.WithRawSpanLimits(sdktrace.SpanLimits{
			AttributeValueLengthLimit: -1, AttributeCountLimit: -1, EventCountLimit: -1,
			AttributePerEventCountLimit: -1, LinkCountLimit: -1, AttributePerLinkCountLimit: -1,
		}),
	)
	tracer := tp.Tracer("translate-test", trace.WithInstrumentationVersion("1.0.0"))
	spans := make([]trace.Span, len(specs))
	for i, sp := range specs {
		ctx := context.Background()
		if sp.parent >= 0 {
			ctx = trace.ContextWithSpan(ctx, spans[sp.parent])
		}
		tr := tracer
		if sp.scope != "" {
			tr = tp.Tracer(sp.scope)
		}
		_, spans[i] = tr.Start(ctx, sp.name, trace.WithTimestamp(t0.Add(sp.start)),
			trace.WithAttributes(sp.attrs...), trace.WithSpanKind(trace.SpanKindClient))
		for _, ev := range sp.events {
			spans[i].AddEvent(ev.name, trace.WithTimestamp(t0.Add(ev.at)), trace.WithAttributes(ev.attrs...))
		}
		if sp.status != codes.Unset {
			spans[i].SetStatus(sp.status, sp.statusMsg)
		}
	}
	for i := len(specs) - 1; i >= 0; i-- {
		spans[i].End(trace.WithTimestamp(t0.Add(specs[i].end)))
	}
	require.NoError(t, tp.Shutdown(context.Background()))
	return rec.Ended()
}

// setting changes the default settings, or the options, of a test's
// translator.
type setting func(*Settings, *options)

func withSettings(all Settings) setting { return func(s *Settings, _ *options) { *s = all } }
func withSessionIDKeys(keys ...string) setting {
	return func(s *Settings, _ *options) { s.Identity.SessionIDKeys = keys }
}
func withNoSession() setting {
	return func(s *Settings, _ *options) { s.Identity.SessionFallback = SessionFallbackNone }
}
func withDefaultDeviceID(id string) setting {
	return func(s *Settings, _ *options) { s.Identity.DefaultDeviceID = id }
}
func withTraceCache(size int, ttl time.Duration) setting {
	return func(s *Settings, _ *options) { s.Identity.TraceCacheSize, s.Identity.TraceCacheTTL = size, ttl }
}
func withAncestorWait(d time.Duration) setting {
	return func(s *Settings, _ *options) { s.Identity.AncestorWait = d }
}
func withSessionIdleTimeout(d time.Duration) setting {
	return func(s *Settings, _ *options) { s.Lifecycle.SessionIdleTimeout = d }
}
func withConversationIdleTimeout(d time.Duration) setting {
	return func(s *Settings, _ *options) { s.Lifecycle.ConversationIdleTimeout = d }
}
func withMaxOpenSessions(n int) setting {
	return func(s *Settings, _ *options) { s.Lifecycle.MaxOpenSessions = n }
}
func withMaxOpenConversations(n int) setting {
	return func(s *Settings, _ *options) { s.Lifecycle.MaxOpenConversations = n }
}
func withMaxStringLength(n int) setting {
	return func(s *Settings, _ *options) { s.MaxStringLength = n }
}
func withEvaluations(on bool) setting { return func(s *Settings, _ *options) { s.Evaluations = on } }
func withClock(now func() time.Time) setting {
	return func(_ *Settings, o *options) { o.now = now }
}

// newTranslator returns a translator of the default settings changed by
// sets, in order.
func newTranslator(t testing.TB, sets ...setting) *Translator {
	t.Helper()
	s, o := DefaultSettings(), options{now: time.Now}
	for _, set := range sets {
		set(&s, &o)
	}
	tr, err := New(s, WithClock(o.now))
	require.NoError(t, err)
	return tr
}

// translateSpans translates the spans with a new translator of opts and
// requires every event to pass Validate.
func translateSpans(t *testing.T, opts []setting, spans []sdktrace.ReadOnlySpan) ([]mindlytics.Event, []error) {
	t.Helper()
	evs, errs := newTranslator(t, opts...).Translate(spanview.FromReadOnlySpans(spans))
	for _, ev := range evs {
		require.NoError(t, ev.Validate(), "%+v", ev)
	}
	return evs, errs
}

// expireAfter advances the clock by d and expires what is idle then.
func expireAfter(tr *Translator, c *fakeClock, d time.Duration) []mindlytics.Event {
	c.Advance(d)
	return tr.Expire()
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
