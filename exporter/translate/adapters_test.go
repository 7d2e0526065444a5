package translate

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// TestAdaptersAgree records one span with every kind of value, converts it to
// pdata and checks that both views read the same thing.
func TestAdaptersAgree(t *testing.T) {
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
	}
	c := child(0, "op", time.Second, 3*time.Second, attrs...).withEvents(
		eventSpec{name: "ev", at: 2 * time.Second, attrs: []attribute.KeyValue{attribute.String("ek", "ev")}})
	c.status, c.statusMsg = codes.Error, "boom"
	recorded := recordSpans(t, []attribute.KeyValue{attribute.String("service.name", "svc"), attribute.Int("res.n", 1)},
		root("parent", 0, 4*time.Second), c)
	sdk := FromReadOnlySpans(recorded)
	pd := FromTraces(toTraces(recorded))
	require.Len(t, sdk, 2)
	require.Len(t, pd, 2)
	for i := range sdk {
		a, b := &sdk[i], &pd[i]
		assert.Equal(t, a.Name(), b.Name())
		assert.Equal(t, a.Kind(), b.Kind())
		assert.True(t, a.StartTime().Equal(b.StartTime()))
		assert.True(t, a.EndTime().Equal(b.EndTime()))
		assert.Equal(t, a.TraceID(), b.TraceID())
		assert.Equal(t, a.SpanID(), b.SpanID())
		assert.Equal(t, a.ParentSpanID(), b.ParentSpanID())
		ac, am := a.Status()
		bc, bm := b.Status()
		assert.Equal(t, ac, bc)
		assert.Equal(t, am, bm)
		an, av := a.Scope()
		bn, bv := b.Scope()
		assert.Equal(t, []string{"translate-test", "1.0.0"}, []string{an, av})
		assert.Equal(t, []string{an, av}, []string{bn, bv})
		assert.Equal(t, a.Attributes().Len(), b.Attributes().Len())
		a.Attributes().Range(func(k string, v Value) bool {
			w, ok := b.Attributes().Get(k)
			require.True(t, ok, k)
			assert.Equal(t, v.Kind(), w.Kind(), k)
			assert.Equal(t, v.AsString(), w.AsString(), k)
			assert.Equal(t, encodeJSON(v.Raw()), encodeJSON(w.Raw()), k)
			return true
		})
		assert.Equal(t, "svc", a.Resource().Str("service.name"))
		assert.Equal(t, "svc", b.Resource().Str("service.name"))
		assert.Equal(t, "1", b.Resource().Str("res.n"))
		assert.Equal(t, a.Resource().Len(), b.Resource().Len())
		require.Equal(t, a.Events().Len(), b.Events().Len())
		for j := 0; j < a.Events().Len(); j++ {
			ea, eb := a.Events().At(j), b.Events().At(j)
			assert.Equal(t, ea.Name, eb.Name)
			assert.True(t, ea.Time.Equal(eb.Time))
			assert.Equal(t, ea.Attrs.Str("ek"), eb.Attrs.Str("ek"))
		}
	}
	op := &sdk[0] // the child ended first
	assert.Equal(t, "op", op.Name())
	code, msg := op.Status()
	assert.Equal(t, codes.Error, code)
	assert.Equal(t, "boom", msg)
	assert.Equal(t, trace.SpanKindClient, op.Kind())
	assert.Equal(t, sdk[1].SpanID(), op.ParentSpanID())
}

func TestValueConversions(t *testing.T) {
	m := pcommon.NewMap()
	m.PutStr("s", "12.0")
	m.PutInt("i", 7)
	m.PutDouble("f", 1.5)
	m.PutDouble("big", 1e30)
	m.PutBool("b", false)
	m.PutStr("bs", "TRUE")
	m.PutEmpty("empty")
	m.PutEmptySlice("sl").AppendEmpty().SetStr("x")
	m.PutEmptyMap("m").PutInt("k", 1)
	m.PutEmptyBytes("by").FromRaw([]byte{1, 2})
	a := pdataAttrs(m)
	get := func(k string) Value { v, ok := a.Get(k); require.True(t, ok, k); return v }

	n, ok := get("s").Int()
	assert.True(t, ok)
	assert.Equal(t, int64(12), n)
	f, ok := get("i").Float()
	assert.True(t, ok)
	assert.Equal(t, 7.0, f)
	_, ok = get("f").Int()
	assert.False(t, ok, "1.5 is no integer")
	_, ok = get("big").Int()
	assert.False(t, ok, "out of range")
	b, ok := get("bs").Bool()
	assert.True(t, ok)
	assert.True(t, b)
	assert.Equal(t, KindEmpty, get("empty").Kind())
	assert.Equal(t, "", get("empty").AsString())
	assert.Equal(t, `["x"]`, get("sl").AsString())
	assert.Equal(t, `{"k":1}`, get("m").AsString())
	assert.Equal(t, `"AQI="`, get("by").AsString())
	assert.Equal(t, KindBytes, get("by").Kind())
	assert.Equal(t, "", a.Str("sl"), "Str is for scalars")
	assert.Equal(t, "1.5", a.Str("f"))
	_, ok = a.Get("missing")
	assert.False(t, ok)

	var none Attrs
	assert.Equal(t, 0, none.Len())
	_, ok = none.Get("x")
	assert.False(t, ok)
	none.Range(func(string, Value) bool { t.Fatal("empty"); return false })
}

func TestFromPdataZeroEnd(t *testing.T) {
	s := ptrace.NewSpan()
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	v := FromPdata(s, pcommon.NewResource(), pcommon.NewInstrumentationScope())
	assert.True(t, v.EndTime().IsZero(), "an unended span keeps a zero end, as in the SDK")
	assert.True(t, v.endOrStart().Equal(t0))
	code, _ := v.Status()
	assert.Equal(t, codes.Unset, code)
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly-10", 10, "exactly-10"},
		{"ééééé", 5, "ééééé"}, // 10 bytes, 5 characters: not cut
		{"abcdefghijklmnopqrstuvwxyz", 20, "abcdefgh" + TruncationMark},
		{"日本語のテキストがとても長いのでここで切ります", 14, "日本" + TruncationMark},
		{"abcdefghij", 5, "abcde"}, // the mark does not fit: a plain cut
		{"anything", 0, "anything"},
	} {
		got := truncate(tc.in, tc.limit)
		assert.Equal(t, tc.want, got, "%q at %d", tc.in, tc.limit)
		if tc.limit > 0 {
			assert.LessOrEqual(t, len([]rune(got)), tc.limit)
		}
	}
}
