package spanview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
)

func TestValueConversions(t *testing.T) {
	a := AttrsOf([]attribute.KeyValue{
		attribute.String("s", "12.0"),
		attribute.Int("i", 7),
		attribute.Float64("f", 1.5),
		attribute.Float64("big", 1e30),
		attribute.Bool("b", false),
		attribute.String("bs", "TRUE"),
		{Key: "empty"},
		attribute.StringSlice("sl", []string{"x"}),
		attribute.Map("m", attribute.Int("k", 1)),
		attribute.ByteSlice("by", []byte{1, 2}),
	})
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
	assert.Equal(t, "12.0", get("s").AsString())
	assert.Equal(t, "12.0", get("s").Str())
	assert.Equal(t, "", get("i").Str(), "Str is for strings")
	assert.Equal(t, "7", get("i").AsString())
	assert.Equal(t, "false", get("b").AsString())
	assert.Equal(t, "", Value{}.Str())
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
