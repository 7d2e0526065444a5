package translate

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// t0 is the base time of every test span.
var t0 = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

// at formats t0+d as an event timestamp.
func at(d time.Duration) string { return mindlytics.FormatTimestamp(t0.Add(d)) }

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
		_, spans[i] = tracer.Start(ctx, sp.name, trace.WithTimestamp(t0.Add(sp.start)),
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

// toTraces converts recorded SDK spans to pdata by hand, field by field, as
// an OTLP exporter and receiver would carry them to a collector.
func toTraces(spans []sdktrace.ReadOnlySpan) ptrace.Traces {
	td := ptrace.NewTraces()
	for _, s := range spans {
		rs := td.ResourceSpans().AppendEmpty()
		if s.Resource() != nil {
			for _, kv := range s.Resource().Attributes() {
				putValue(rs.Resource().Attributes().PutEmpty(string(kv.Key)), kv.Value)
			}
		}
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName(s.InstrumentationScope().Name)
		ss.Scope().SetVersion(s.InstrumentationScope().Version)
		ps := ss.Spans().AppendEmpty()
		ps.SetName(s.Name())
		ps.SetKind(ptrace.SpanKind(s.SpanKind()))
		ps.SetTraceID(pcommon.TraceID(s.SpanContext().TraceID()))
		ps.SetSpanID(pcommon.SpanID(s.SpanContext().SpanID()))
		ps.SetParentSpanID(pcommon.SpanID(s.Parent().SpanID()))
		ps.SetStartTimestamp(pcommon.NewTimestampFromTime(s.StartTime()))
		ps.SetEndTimestamp(pcommon.NewTimestampFromTime(s.EndTime()))
		for _, kv := range s.Attributes() {
			putValue(ps.Attributes().PutEmpty(string(kv.Key)), kv.Value)
		}
		for _, ev := range s.Events() {
			pe := ps.Events().AppendEmpty()
			pe.SetName(ev.Name)
			pe.SetTimestamp(pcommon.NewTimestampFromTime(ev.Time))
			for _, kv := range ev.Attributes {
				putValue(pe.Attributes().PutEmpty(string(kv.Key)), kv.Value)
			}
		}
		switch s.Status().Code {
		case codes.Ok:
			ps.Status().SetCode(ptrace.StatusCodeOk)
		case codes.Error:
			ps.Status().SetCode(ptrace.StatusCodeError)
		}
		ps.Status().SetMessage(s.Status().Description)
	}
	return td
}

func putValue(dst pcommon.Value, v attribute.Value) {
	switch v.Type() {
	case attribute.STRING:
		dst.SetStr(v.AsString())
	case attribute.BOOL:
		dst.SetBool(v.AsBool())
	case attribute.INT64:
		dst.SetInt(v.AsInt64())
	case attribute.FLOAT64:
		dst.SetDouble(v.AsFloat64())
	case attribute.BYTESLICE:
		dst.SetEmptyBytes().FromRaw(v.AsByteSlice())
	case attribute.STRINGSLICE:
		sl := dst.SetEmptySlice()
		for _, e := range v.AsStringSlice() {
			sl.AppendEmpty().SetStr(e)
		}
	case attribute.INT64SLICE:
		sl := dst.SetEmptySlice()
		for _, e := range v.AsInt64Slice() {
			sl.AppendEmpty().SetInt(e)
		}
	case attribute.FLOAT64SLICE:
		sl := dst.SetEmptySlice()
		for _, e := range v.AsFloat64Slice() {
			sl.AppendEmpty().SetDouble(e)
		}
	case attribute.BOOLSLICE:
		sl := dst.SetEmptySlice()
		for _, e := range v.AsBoolSlice() {
			sl.AppendEmpty().SetBool(e)
		}
	case attribute.SLICE:
		sl := dst.SetEmptySlice()
		for _, e := range v.AsSlice() {
			putValue(sl.AppendEmpty(), e)
		}
	case attribute.MAP:
		m := dst.SetEmptyMap()
		for _, kv := range v.AsMap() {
			putValue(m.PutEmpty(string(kv.Key)), kv.Value)
		}
	}
}

func newTranslator(t testing.TB, opts ...Option) *Translator {
	t.Helper()
	tr, err := New(opts...)
	require.NoError(t, err)
	return tr
}

// translateBoth translates the spans through the SDK adapter and, with a
// second translator of the same configuration, through pdata; it requires
// byte-identical events and the same errors, and returns the SDK side's.
func translateBoth(t *testing.T, opts []Option, spans []sdktrace.ReadOnlySpan) ([]mindlytics.Event, []error) {
	t.Helper()
	evSDK, errsSDK := newTranslator(t, opts...).Translate(FromReadOnlySpans(spans))
	evPdata, errsPdata := newTranslator(t, opts...).Translate(FromTraces(toTraces(spans)))
	requireSameJSON(t, evSDK, evPdata)
	require.Equal(t, errStrings(errsSDK), errStrings(errsPdata))
	for _, ev := range evSDK {
		require.NoError(t, ev.Validate(), "%+v", ev)
	}
	return evSDK, errsSDK
}

func requireSameJSON(t *testing.T, a, b []mindlytics.Event) {
	t.Helper()
	ja, err := json.Marshal(a)
	require.NoError(t, err)
	jb, err := json.Marshal(b)
	require.NoError(t, err)
	require.Equal(t, string(ja), string(jb), "SDK and pdata adapters differ")
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

// kinds lists the events' kinds, for order checks.
func kinds(evs []mindlytics.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind()
	}
	return out
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
