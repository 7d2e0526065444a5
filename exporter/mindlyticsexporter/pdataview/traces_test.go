package pdataview

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// The translation reads spans through one view; the collector fills it
// from pdata (traces.go) and the in-process exporter from SDK spans.
// These tests record real SDK spans, carry them to pdata as an OTLP
// exporter and receiver would, and require both views to read the same.

// recordAll records one span per attribute set, children of one root,
// with an event and an error status on each child.
func recordAll(t testing.TB, res []attribute.KeyValue, attrSets ...[]attribute.KeyValue) []sdktrace.ReadOnlySpan {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec),
		sdktrace.WithResource(resource.NewSchemaless(res...)),
		sdktrace.WithRawSpanLimits(sdktrace.SpanLimits{AttributeValueLengthLimit: -1, AttributeCountLimit: -1,
			EventCountLimit: -1, AttributePerEventCountLimit: -1, LinkCountLimit: -1, AttributePerLinkCountLimit: -1}))
	tracer := tp.Tracer("adapter-test", trace.WithInstrumentationVersion("1.2.3"))
	ctx, root := tracer.Start(t.Context(), "root", trace.WithTimestamp(t0))
	for i, attrs := range attrSets {
		_, s := tracer.Start(ctx, "op", trace.WithTimestamp(t0.Add(time.Duration(i)*time.Second)),
			trace.WithAttributes(attrs...), trace.WithSpanKind(trace.SpanKindClient))
		s.AddEvent("ev", trace.WithTimestamp(t0.Add(time.Duration(i)*time.Second+time.Millisecond)), trace.WithAttributes(attrs...))
		s.SetStatus(codes.Error, "boom")
		s.End(trace.WithTimestamp(t0.Add(time.Duration(i+1) * time.Second)))
	}
	root.End(trace.WithTimestamp(t0.Add(time.Hour)))
	return rec.Ended()
}

// describe reads everything the translation may read of a span view.
func describe(s spanview.Span) map[string]any {
	attrs := func(a spanview.Attrs) map[string]any {
		m := map[string]any{}
		a.Range(func(k string, v spanview.Value) bool { m[k] = []any{v.Kind(), v.Raw(), v.AsString()}; return true })
		return m
	}
	var events []any
	for i := 0; i < s.Events().Len(); i++ {
		ev := s.Events().At(i)
		events = append(events, []any{ev.Name, ev.Time.UTC(), attrs(ev.Attrs)})
	}
	code, msg := s.Status()
	scope, version := s.Scope()
	return map[string]any{
		"name": s.Name(), "kind": s.Kind(), "start": s.StartTime().UTC(), "end": s.EndTime().UTC(),
		"trace": s.TraceID(), "span": s.SpanID(), "parent": s.ParentSpanID(), "remote parent": s.ParentIsRemote(),
		"attrs": attrs(s.Attributes()), "resource": attrs(s.Resource()), "events": events,
		"status": []any{code, msg}, "scope": []any{scope, version},
	}
}

func requireSameViews(t testing.TB, spans []sdktrace.ReadOnlySpan) {
	t.Helper()
	sdk := spanview.FromReadOnlySpans(spans)
	td := toTraces(spans)
	var v viewer
	for _, pd := range [][]spanview.Span{Traces(td), v.traces(td)} {
		require.Len(t, pd, len(sdk))
		for i := range sdk {
			// fmt prints maps in key order, and NaN as NaN (which no equality test
			// would call equal to itself).
			require.Equal(t, fmt.Sprintf("%#v", describe(sdk[i])), fmt.Sprintf("%#v", describe(pd[i])), "span %d", i)
		}
	}
	v.release()
}

// TestViewerReusesItsMemory: batch after batch, the viewer's spans read
// like Traces', also when its attribute array grows in the middle of a
// batch (over views of an earlier batch, not cleared), release leaves
// nothing of the older batches behind, and forget nothing at all.
func TestViewerReusesItsMemory(t *testing.T) {
	var v viewer
	for batch, n := range []int{1, 300, 40, 2000, 7} {
		attrSets := make([][]attribute.KeyValue, n)
		for i := range attrSets {
			attrSets[i] = []attribute.KeyValue{attribute.Int("batch", batch), attribute.Int("i", i), attribute.String("s", strings.Repeat("x", i%5))}
		}
		spans := recordAll(t, []attribute.KeyValue{attribute.String("service.name", "svc")}, attrSets...)
		td := toTraces(spans)
		want := Traces(td)
		got := v.traces(td)
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, fmt.Sprintf("%#v", describe(want[i])), fmt.Sprintf("%#v", describe(got[i])), "batch %d span %d", batch, i)
		}
		v.release()
		require.Empty(t, v.spans)
		require.Equal(t, len(want), v.writtenSpans)
		requireZeroFrom(t, v, v.writtenSpans, v.writtenKVs, "release clears what older batches left")
	}
	v.forget()
	requireZeroFrom(t, v, 0, 0, "forget clears the last batch")
}

func requireZeroFrom(t *testing.T, v viewer, spans, kvs int, msg string) {
	t.Helper()
	for i, s := range v.spans[spans:cap(v.spans)] {
		require.Truef(t, reflect.ValueOf(s).IsZero(), "%s: span %d", msg, spans+i)
	}
	for i, kv := range v.kvs[kvs:cap(v.kvs)] {
		require.Zerof(t, kv, "%s: attribute %d", msg, kvs+i)
	}
}

func TestPdataViewReadsLikeTheSDKView(t *testing.T) {
	attrs := []attribute.KeyValue{
		attribute.String("s", "text"),
		attribute.Int("i", 42),
		attribute.Float64("f", 2.5),
		attribute.Float64("whole", 3),
		attribute.Bool("b", true),
		attribute.String("num", " 17 "),
		attribute.StringSlice("ss", []string{"a", "b"}),
		attribute.Int64Slice("is", []int64{1, 2}),
		attribute.Float64Slice("fs", []float64{0.5}),
		attribute.BoolSlice("bs", []bool{true, false}),
		{Key: "bytes", Value: attribute.ByteSliceValue([]byte("hi"))},
		{Key: "map", Value: attribute.MapValue(attribute.String("k", "v"), attribute.KeyValue{Key: "n", Value: attribute.SliceValue(attribute.IntValue(1))})},
		attribute.Float64("nan", math.NaN()),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`),
	}
	requireSameViews(t, recordAll(t, []attribute.KeyValue{attribute.String("service.name", "svc"), attribute.Int("res.n", 1)}, attrs))
}

func TestPdataViewOfAnUnendedSpan(t *testing.T) {
	s := ptrace.NewSpan()
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	res := attribute.NewSet()
	v := viewSpan(s, nil, &res, pcommon.NewInstrumentationScope())
	assert.True(t, v.EndTime().IsZero(), "an unended span keeps a zero end, as in the SDK")
	code, _ := v.Status()
	assert.Equal(t, codes.Unset, code)
}

// FuzzPdataView feeds arbitrary keys and values, scalar and structured,
// through both views.
func FuzzPdataView(f *testing.F) {
	f.Add("gen_ai.input.messages", `[{"role":"user","content":"hi"}]`, int64(3), 0.5, true)
	f.Add("user.id", "\xff\xfe", int64(-1), math.Inf(1), false)
	f.Add("", `{"a":[1,2,{"b":null}]}`, int64(1<<40), math.Copysign(0, -1), true)
	f.Fuzz(func(t *testing.T, key, value string, n int64, fl float64, structured bool) {
		var val attribute.Value = attribute.StringValue(value)
		if structured {
			var data any
			if json.Unmarshal([]byte(value), &data) == nil {
				val = testkit.AttrValue(data)
			}
		}
		requireSameViews(t, recordAll(t, []attribute.KeyValue{attribute.String(key, value)},
			[]attribute.KeyValue{{Key: attribute.Key(key), Value: val}, attribute.Int64(key+".n", n), attribute.Float64(key+".f", fl)}))
	})
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
		if s.Parent().IsRemote() {
			ps.SetFlags(0x300) // the parent is remote, and that is known
		} else {
			ps.SetFlags(0x100) // it is known not to be
		}
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

// t0 is the base time of the test spans.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestPdataViewKnowsARemoteParent(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	remote := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, Remote: true})
	ctx, s := tp.Tracer("t").Start(trace.ContextWithRemoteSpanContext(t.Context(), remote), "server")
	_, c := tp.Tracer("t").Start(ctx, "child")
	c.End()
	s.End()
	spans := rec.Ended()
	requireSameViews(t, spans)
	pd := Traces(toTraces(spans))
	assert.False(t, pd[0].ParentIsRemote(), "the child's parent is local")
	assert.True(t, pd[1].ParentIsRemote(), "the server span's parent is remote")
}

// TestSpansOfARemoteParentDoNotWait: in the collector too, a span whose
// parent is another process's does not wait for it.
func TestSpansOfARemoteParentDoNotWait(t *testing.T) {
	for _, tc := range []struct {
		flags   uint32
		waiting int
	}{{0x300, 0}, {0x100, 1}, {0, 1}} {
		td := ptrace.NewTraces()
		s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		s.SetTraceID(pcommon.TraceID{7})
		s.SetSpanID(pcommon.SpanID{8})
		s.SetParentSpanID(pcommon.SpanID{9})
		s.SetFlags(tc.flags)
		s.SetName("turn")
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
		s.Attributes().PutStr("mindlytics.event", "turn")
		s.Attributes().PutStr("mindlytics.turn.user", "q")
		s.Attributes().PutStr("mindlytics.turn.assistant", "a")
		tr, err := translate.New(translate.DefaultSettings())
		require.NoError(t, err)
		evs, errs := NewTranslator(tr).Traces(nil, td)
		for _, err := range errs { // at most the notice that its trace became a session
			var notice *translate.SessionFallbackNotice
			require.ErrorAs(t, err, &notice)
		}
		assert.Equal(t, tc.waiting, tr.Stats().WaitingSpans, "flags %#x", tc.flags)
		assert.Equal(t, tc.waiting == 0, len(evs) > 0, "flags %#x: events at once", tc.flags)
	}
}

// pdataSpanNamed is a pdata span with every field the view reads set,
// each from tag, with its scope.
func pdataSpanNamed(tag byte) (ptrace.Span, pcommon.InstrumentationScope) {
	s := ptrace.NewSpan()
	s.SetName("span " + string(tag))
	s.SetKind(ptrace.SpanKind(1 + tag%5))
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(tag) * time.Second)))
	s.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(tag+1) * time.Second)))
	s.SetTraceID(pcommon.TraceID{tag})
	s.SetSpanID(pcommon.SpanID{tag})
	s.SetParentSpanID(pcommon.SpanID{tag, 1})
	s.SetFlags(otlpParentIsRemote)
	ev := s.Events().AppendEmpty()
	ev.SetName("event " + string(tag))
	s.Status().SetCode(ptrace.StatusCodeError)
	s.Status().SetMessage("status " + string(tag))
	scope := pcommon.NewInstrumentationScope()
	scope.SetName("scope " + string(tag))
	scope.SetVersion("v" + string(tag))
	return s, scope
}

// TestSetSpanWritesEveryField: setSpan writes the view in place, over a
// batch's array; over another span's view, it leaves what a view made
// afresh holds (a field it forgot would keep the other span's).
func TestSetSpanWritesEveryField(t *testing.T) {
	resA := attribute.NewSet(attribute.String("service.name", "a"))
	resB := attribute.NewSet(attribute.String("service.name", "b"))
	sa, scopeA := pdataSpanNamed('a')
	sb, scopeB := pdataSpanNamed('b')
	attrsB := []attribute.KeyValue{attribute.String("k", "b")}
	want := viewSpan(sb, attrsB, &resB, scopeB)
	fields := reflect.ValueOf(*spanview.Parts(&want))
	for i := range fields.NumField() {
		if fields.Field(i).IsZero() {
			t.Fatalf("field %s of the expected view is zero: the test does not cover it", fields.Type().Field(i).Name)
		}
	}
	got := viewSpan(sa, []attribute.KeyValue{attribute.String("k", "a")}, &resA, scopeA)
	setSpan(&got, sb, attrsB, &resB, scopeB)
	require.Equal(t, want, got)
}

// TestSetSpanOverASpanWithEventsWritesNone: a span without events, viewed
// in place over one with, has none (setSpan spares Events' call for it).
func TestSetSpanOverASpanWithEventsWritesNone(t *testing.T) {
	res := attribute.NewSet()
	sa, scope := pdataSpanNamed('a')
	sb, _ := pdataSpanNamed('b')
	sb.Events().RemoveIf(func(ptrace.SpanEvent) bool { return true })
	got := viewSpan(sa, nil, &res, scope)
	require.Equal(t, 1, got.Events().Len())
	setSpan(&got, sb, nil, &res, scope)
	require.Equal(t, viewSpan(sb, nil, &res, scope), got)
	require.Zero(t, got.Events().Len())
}

// TestAsTimeIsAsTime: asTime, pdata's AsTime written out, agrees with it
// on timestamps of every magnitude, and keeps zero zero.
func TestAsTimeIsAsTime(t *testing.T) {
	require.True(t, asTime(0).IsZero())
	for ts, i := pcommon.Timestamp(1), 0; i < 64; ts, i = ts*3+7, i+1 { // past 2^64, around
		require.Equal(t, ts.AsTime(), asTime(ts), "%d", uint64(ts))
	}
}

// TestSetSpanOverASpanWithAStatusMessageClearsIt: setSpan skips storing an
// empty message over an empty one, not over a message.
func TestSetSpanOverASpanWithAStatusMessageClearsIt(t *testing.T) {
	res := attribute.NewSet()
	sa, scope := pdataSpanNamed('a')
	sb, _ := pdataSpanNamed('b')
	sb.Status().SetMessage("")
	got := viewSpan(sa, nil, &res, scope)
	_, msg := got.Status()
	require.NotEmpty(t, msg)
	setSpan(&got, sb, nil, &res, scope)
	require.Equal(t, viewSpan(sb, nil, &res, scope), got)
}
