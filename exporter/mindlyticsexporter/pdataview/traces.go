package pdataview

import (
	"slices"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// Traces views every span of td for the translation, which reads spans
// in the SDK's terms: each span's attributes are converted once, in one
// pass, and each resource's once for all of its spans. Strings are shared,
// not copied.
func Traces(td ptrace.Traces) []spanview.Span {
	out := make([]spanview.Span, 0, td.SpanCount())
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := attribute.NewSet(KeyValues(rs.Resource().Attributes())...)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				out = append(out, viewSpan(s, KeyValues(s.Attributes()), &res, ss.Scope()))
			}
		}
	}
	return out
}

// otlpParentIsRemote are SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK and
// SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK of OTLP's span flags.
const otlpParentIsRemote = 0x100 | 0x200

// viewSpan views one pdata span with its (converted) resource attributes.
func viewSpan(s ptrace.Span, attrs []attribute.KeyValue, res *attribute.Set, scope pcommon.InstrumentationScope) spanview.Span {
	var v spanview.Span
	setSpan(&v, s, attrs, res, scope)
	return v
}

// setSpan is viewSpan into *dst, written in place field by field, every
// field (TestSetSpanWritesEveryField): parts built aside would be copied
// whole into *dst, which is in the heap (a batch's array).
func setSpan(dst *spanview.Span, s ptrace.Span, attrs []attribute.KeyValue, res *attribute.Set, scope pcommon.InstrumentationScope) {
	p := spanview.Parts(dst)
	p.Name = s.Name()
	p.Kind = trace.SpanKind(s.Kind()) // same numbering as OTLP
	p.Start = asTime(s.StartTimestamp())
	p.End = asTime(s.EndTimestamp())
	p.TraceID = trace.TraceID(s.TraceID())
	p.SpanID = trace.SpanID(s.SpanID())
	p.ParentSpanID = trace.SpanID(s.ParentSpanID())
	// OTLP's span flags: bit 8 says bit 9 is known, bit 9 that the parent
	// is remote.
	p.ParentIsRemote = s.Flags()&otlpParentIsRemote == otlpParentIsRemote
	p.Attributes = attrs
	p.Resource = res
	// Most spans have no events and no status message, as the span this
	// view held before: an unchanged nil is not stored again (a write
	// barrier while the GC marks).
	if evs := s.Events(); evs.Len() > 0 {
		p.Events = Events(evs)
	} else if p.Events != nil {
		p.Events = nil
	}
	status := s.Status()
	p.StatusCode = StatusCode(status.Code())
	if msg := status.Message(); msg != "" || p.StatusMessage != "" {
		p.StatusMessage = msg
	}
	p.ScopeName = scope.Name()
	p.ScopeVersion = scope.Version()
}

// viewer is [Traces] with its memory kept from batch to batch: the views
// of a batch's spans and their attributes (one array for all), which the
// translation reads only while it runs. Not for concurrent use.
type viewer struct {
	spans []spanview.Span
	kvs   []attribute.KeyValue
	// written are how many of the arrays' elements hold views of earlier
	// batches, from the start: release does not clear the last batch's
	// (see there), only what older ones left beyond it.
	writtenSpans, writtenKVs int
}

// maxViewerKeep bounds what a viewer keeps after a batch (spans, and
// attributes times 16): a rare huge batch is not held on to.
const maxViewerKeep = 1 << 14

// traces views td as [Traces] does, in the viewer's memory, valid until
// release. (The walk is Traces' own, written out: through a callback, the
// view cost 10 % more.)
func (v *viewer) traces(td ptrace.Traces) []spanview.Span {
	// Room for every span first: each is then a slot resliced in, not a
	// zero view appended (setSpan writes every field).
	if cap(v.spans) < td.SpanCount() {
		v.spans, v.writtenSpans = slices.Grow(v.spans, td.SpanCount()), 0 // a new array: zero
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := attribute.NewSet(KeyValues(rs.Resource().Attributes())...)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				n := len(v.spans)
				v.spans = v.spans[:n+1]
				setSpan(&v.spans[n], s, v.keyValues(s.Attributes()), &res, ss.Scope())
			}
		}
	}
	return v.spans
}

// keyValues is KeyValues into the viewer's array. When the array grows,
// the spans before keep the old one.
func (v *viewer) keyValues(m pcommon.Map) []attribute.KeyValue {
	if m.Len() == 0 {
		return nil
	}
	start := len(v.kvs)
	if start+m.Len() > cap(v.kvs) {
		v.kvs = make([]attribute.KeyValue, 0, max(2*cap(v.kvs), 1024, m.Len()))
		start, v.writtenKVs = 0, 0
	}
	end := start + m.Len()
	kvs := v.kvs[start:end:end]
	v.kvs = v.kvs[:end]
	i := 0
	for k, val := range m.All() {
		kv := &kvs[i]
		kv.Key = attribute.Key(k)
		// Most values are non-empty strings: Str's one type assertion tells
		// them, without Type's switch or toValue's call (an empty string
		// goes there too).
		if str := val.Str(); str != "" {
			kv.Value = attribute.StringValue(str)
		} else if val.Type() == pcommon.ValueTypeInt { // token counts: spare the call
			kv.Value = attribute.Int64Value(val.Int())
		} else {
			kv.Value = toValue(val)
		}
		i++
	}
	return kvs
}

// release ends the batch's use of the views. They are not cleared: the
// next batch overwrites them (setSpan and keyValues write every field),
// and a clear costs a write barrier a pointer while the GC marks. So the
// views of the last batch, and the pdata they refer to, stay until the
// next batch or forget; what older, bigger batches left beyond them is
// cleared here.
func (v *viewer) release() {
	n, m := len(v.spans), len(v.kvs)
	clear(v.spans[n:max(n, v.writtenSpans)])
	clear(v.kvs[m:max(m, v.writtenKVs)])
	v.writtenSpans, v.writtenKVs = n, m
	v.spans, v.kvs = v.spans[:0], v.kvs[:0]
	if cap(v.spans) > maxViewerKeep {
		v.spans, v.writtenSpans = nil, 0
	}
	if cap(v.kvs) > 16*maxViewerKeep {
		v.kvs, v.writtenKVs = nil, 0
	}
}

// forget clears the views of the last batch, so that an idle translator
// holds no pdata.
func (v *viewer) forget() {
	clear(v.spans[:v.writtenSpans])
	clear(v.kvs[:v.writtenKVs])
	v.writtenSpans, v.writtenKVs = 0, 0
}

// Events converts span events as the view does.
func Events(evs ptrace.SpanEventSlice) []sdktrace.Event {
	if evs.Len() == 0 {
		return nil
	}
	out := make([]sdktrace.Event, evs.Len())
	for i := range out {
		ev := evs.At(i)
		out[i] = sdktrace.Event{Name: ev.Name(), Time: ev.Timestamp().AsTime(), Attributes: KeyValues(ev.Attributes())}
	}
	return out
}

// KeyValues converts a pdata attribute map as the view does (an empty map is nil).
func KeyValues(m pcommon.Map) []attribute.KeyValue {
	if m.Len() == 0 {
		return nil
	}
	out := make([]attribute.KeyValue, 0, m.Len())
	for k, v := range m.All() {
		out = append(out, attribute.KeyValue{Key: attribute.Key(k), Value: toValue(v)})
	}
	return out
}

// toValue converts one value; an empty value stays invalid (KindEmpty).
func toValue(v pcommon.Value) attribute.Value {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return attribute.StringValue(v.Str())
	case pcommon.ValueTypeBool:
		return attribute.BoolValue(v.Bool())
	case pcommon.ValueTypeInt:
		return attribute.Int64Value(v.Int())
	case pcommon.ValueTypeDouble:
		return attribute.Float64Value(v.Double())
	case pcommon.ValueTypeBytes:
		return attribute.ByteSliceValue(v.Bytes().AsRaw())
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		vals := make([]attribute.Value, sl.Len())
		for i := range vals {
			vals[i] = toValue(sl.At(i))
		}
		return attribute.SliceValue(vals...)
	case pcommon.ValueTypeMap:
		return attribute.MapValue(KeyValues(v.Map())...)
	}
	return attribute.Value{}
}

// asTime keeps a zero timestamp zero, as the SDK reports an unended span.
// Else it is ts.AsTime(), written out: pdata's is not inlined, a call of
// a fifth of the view's cost of a span's times.
func asTime(ts pcommon.Timestamp) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ts)).UTC()
}

// StatusCode converts a span status code as the view does.
func StatusCode(c ptrace.StatusCode) codes.Code {
	switch c {
	case ptrace.StatusCodeOk:
		return codes.Ok
	case ptrace.StatusCodeError:
		return codes.Error
	}
	return codes.Unset
}
