package translate

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// TestMayHaveNeverHidesAValue: where mayHave says a key is absent, the
// view's lookup finds nothing, for every view key, on an indexed view and
// on one too long to index (linear).
func TestMayHaveNeverHidesAValue(t *testing.T) {
	kvs := []attribute.KeyValue{attribute.Int(inputTokenKeys[0], 3), attribute.String(costKeys[1], "x"),
		attribute.Int(cachedTokenKeys[2], 1), attribute.String(modelKeys[0], "m")}
	long := append([]attribute.KeyValue(nil), kvs...)
	for i := len(long); i < 300; i++ {
		long = append(long, attribute.Int(fmt.Sprintf("k%d", i), i))
	}
	for _, list := range [][]attribute.KeyValue{nil, kvs, long} {
		v := newAttrView(spanview.AttrsOf(list))
		for id := range viewKeyNames {
			k := viewKey(id)
			// Against the unindexed look-up, not v.get, which now answers
			// "absent" from the same marker.
			if _, ok := v.Attrs.Get(viewKeyNames[id]); ok && !mayHave(&v, k) {
				t.Fatalf("%d attributes: mayHave(%s) is false, the attributes hold it", len(list), viewKeyNames[id])
			}
		}
	}
}
