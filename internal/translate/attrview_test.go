package translate

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestAttrViewReadsLikeAttrs checks every registered key of the view
// against Attrs.Get and Attrs.Str: repeated keys (the first wins), keys the
// view does not know, values of every kind, and more attributes than the
// view indexes (then it scans).
func TestAttrViewReadsLikeAttrs(t *testing.T) {
	values := []attribute.Value{
		attribute.StringValue("s"), attribute.StringValue(""), attribute.IntValue(3), attribute.Float64Value(1.5),
		attribute.BoolValue(true), attribute.StringSliceValue([]string{"a"}),
	}
	for _, n := range []int{0, 1, 7, len(viewKeyNames), 255, 256, 300} {
		var kvs []attribute.KeyValue
		for i := range n {
			key := viewKeyNames[(i*7)%len(viewKeyNames)] // repeats once n passes the registered keys
			if i%5 == 4 {
				key = fmt.Sprintf("other.%d", i)
			}
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(key), Value: values[i%len(values)]})
		}
		a := spanview.AttrsOf(kvs)
		v := newAttrView(a)
		for id, name := range viewKeyNames {
			got, gotOK := v.get(viewKey(id))
			want, wantOK := a.Get(name)
			require.Equal(t, wantOK, gotOK, "%d attributes, %s", n, name)
			require.Equal(t, want.AsString(), got.AsString(), "%d attributes, %s", n, name)
			require.Equal(t, a.Str(name), v.str(viewKey(id)), "%d attributes, %s", n, name)
		}
	}
	var empty attrView
	_, ok := empty.get(0)
	require.False(t, ok)
}

// TestScannedPrefixesStartAsScanAttrsDispatches: scanAttrs looks for each
// prefix only among keys of its first byte.
func TestScannedPrefixesStartAsScanAttrsDispatches(t *testing.T) {
	for first, prefixes := range map[byte][]string{
		'm': {sc.PropertiesPrefix, sc.AttributesPrefix, sc.TraitsPrefix},
		'g': {conventions.OpenLLMetryPromptPrefix, conventions.OpenLLMetryCompletionPrefix},
		'l': {conventions.OpenInferenceInputMessagesPrefix, conventions.OpenInferenceOutputMessagesPrefix},
	} {
		for _, p := range prefixes {
			assert.Equal(t, first, p[0], "%q", p)
		}
	}
}

// TestKeySlotsHoldEveryViewKey: index finds each registered key in the
// table under its id, and no other key.
func TestKeySlotsHoldEveryViewKey(t *testing.T) {
	for id, name := range viewKeyNames {
		got, ok := viewKeySlots.get(name)
		require.True(t, ok, "%q", name)
		assert.Equal(t, viewKey(id), got, "%q", name)
		for _, other := range []string{name + "x", name[:len(name)-1], "x" + name} {
			if !slices.Contains(viewKeyNames, other) {
				_, ok := viewKeySlots.get(other)
				assert.False(t, ok, "%q is no view key", other)
			}
		}
	}
	_, ok := viewKeySlots.get("")
	assert.False(t, ok)

	// The bounds keySlots' doc gives: probes to find a key, and the longest
	// run of used slots, which bounds the keys a miss compares.
	for _, name := range viewKeyNames {
		probes := 1
		for i := keySlot(name); viewKeySlots[i].name != name; i = (i + 1) % uint(len(viewKeySlots)) {
			probes++
		}
		assert.LessOrEqual(t, probes, 3, "%q", name)
	}
	run, longest := 0, 0
	for i := range 2 * len(viewKeySlots) { // around the end of the table too
		if viewKeySlots[i%len(viewKeySlots)].used {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	assert.LessOrEqual(t, longest, 6, "the longest run of used slots")
}

// TestAttrViewResetForgetsTheSpanBefore: a view reset in place (a batch's
// array) over another span's view is the view made afresh.
func TestAttrViewResetForgetsTheSpanBefore(t *testing.T) {
	before := spanview.AttrsOf([]attribute.KeyValue{
		attribute.String(viewKeyNames[0], "a"), attribute.String(viewKeyNames[1], "b"), attribute.Int(viewKeyNames[2], 3),
	})
	after := spanview.AttrsOf([]attribute.KeyValue{attribute.String(viewKeyNames[1], "c")})
	v := newAttrView(before)
	v.reset(after)
	require.Equal(t, newAttrView(after), v)
}

// TestAttrViewFirstOfRepeatedKeysWins: a key set twice or more reads as
// its first attribute, as Attrs.Get reads it, in a view that indexes.
func TestAttrViewFirstOfRepeatedKeysWins(t *testing.T) {
	var kvs []attribute.KeyValue
	for i := range 3 * 7 {
		kvs = append(kvs, attribute.Int(viewKeyNames[i%7], i)) // each of 7 keys three times
	}
	a := spanview.AttrsOf(kvs)
	v := newAttrView(a)
	require.NotEqual(t, uint8(linearPos), v.pos[0], "the view indexes")
	for id, name := range viewKeyNames[:7] {
		got, ok := v.get(viewKey(id))
		require.True(t, ok, name)
		want, _ := a.Get(name)
		require.Equal(t, want.AsString(), got.AsString(), name)
		require.Equal(t, fmt.Sprint(id), got.AsString(), name)
	}
}
