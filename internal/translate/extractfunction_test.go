package translate

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestFirstValueStringReadsAsFirstValue: the string fast path answers as
// firstValue and AsString do, for tool arguments and results of every kind
// (empty strings passed over, the first key set winning, values of other
// kinds, and views that scan their attributes).
func TestFirstValueStringReadsAsFirstValue(t *testing.T) {
	argKeys := []string{viewKeyNames[toolArgsVKs[0]], viewKeyNames[toolArgsVKs[1]], viewKeyNames[toolArgsVKs[2]]}
	values := []attribute.Value{
		attribute.StringValue(`{"order":1}`), attribute.StringValue(""), attribute.IntValue(3),
		attribute.Float64Value(1.5), attribute.BoolValue(false), attribute.StringSliceValue([]string{"a", "b"}),
		attribute.StringSliceValue(nil), {},
	}
	check := func(kvs []attribute.KeyValue) {
		t.Helper()
		v := newAttrView(spanview.AttrsOf(kvs))
		for _, keys := range [][]viewKey{toolArgsVKs, toolResultVKs} {
			want, wantOK := v.firstValue(keys)
			got, gotOK := firstValueString(&v, keys)
			require.Equal(t, wantOK, gotOK, "%v", kvs)
			require.Equal(t, want.AsString(), got, "%v", kvs)
		}
	}
	check(nil)
	for _, first := range values {
		for _, second := range values {
			kvs := []attribute.KeyValue{
				{Key: attribute.Key(argKeys[0]), Value: first},
				{Key: attribute.Key(argKeys[2]), Value: second},
				{Key: sc.ToolCallResultKey, Value: second},
				{Key: attribute.Key(argKeys[0]), Value: second}, // repeated: the first wins
			}
			check(kvs)
			// More attributes than the view indexes: it scans them.
			long := append([]attribute.KeyValue(nil), kvs...)
			for len(long) < linearPos {
				long = append(long, attribute.String("other", "x"))
			}
			check(long)
		}
	}
}
