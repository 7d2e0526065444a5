package translate

import (
	"fmt"
	"slices"
	"strings"
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

// TestKeyTableFindsEveryViewKey: the table finds each registered key
// under its id, and no other key: keys that differ from one in a byte
// anywhere, or in length, or that hash to its slot.
func TestKeyTableFindsEveryViewKey(t *testing.T) {
	for id, name := range viewKeyNames {
		got, ok := viewKeyTable.get(name)
		require.True(t, ok, "%q", name)
		assert.Equal(t, viewKey(id), got, "%q", name)
		assert.Zero(t, viewKeyTable.keys[id+1].next, "%q shares its slot", name)
		others := []string{name + "x", name[:len(name)-1], "x" + name, name[1:], strings.Repeat(name, 2)}
		for i := range len(name) {
			b := []byte(name)
			b[i] ^= 0x20
			others = append(others, string(b))
		}
		for _, other := range others {
			if !slices.Contains(viewKeyNames, other) {
				_, ok := viewKeyTable.get(other)
				assert.False(t, ok, "%q is no view key", other)
			}
		}
	}
	for _, k := range []string{"", "a", "ab", "abc", "abcd", "user.i", "user.idx"} {
		_, ok := viewKeyTable.get(k)
		assert.Equal(t, slices.Contains(viewKeyNames, k), ok, "%q", k)
	}
}

// TestKeyTableTellsKeysOfEveryLength: keys of every length a view key
// may have to 40 bytes, that differ in one byte or in length, as a table
// of their own: each found, none mistaken for another, no shorter key
// found.
func TestKeyTableTellsKeysOfEveryLength(t *testing.T) {
	var names []string
	for n := minViewKeyLen; n <= 40; n++ {
		base := strings.Repeat("k", n)
		names = append(names, base, base[:n/2]+"q"+base[n/2+1:]) // the middle byte
	}
	names = names[:min(len(names), maxViewKeys)]
	var tb keyTable
	tb.build(names)
	for id, name := range names {
		got, ok := tb.get(name)
		require.True(t, ok, "%q", name)
		require.Equal(t, viewKey(id), got, "%q", name)
	}
	for n := range 48 {
		for _, k := range []string{strings.Repeat("z", n), strings.Repeat("k", max(n-1, 0)) + "z", strings.Repeat("k", min(n, minViewKeyLen-1))} {
			_, ok := tb.get(k)
			require.False(t, ok, "%q", k)
		}
	}
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

// TestKeyTableComparesAllOfAKey: a key that hashes to a view key's slot
// is that key only when every part index compares is equal: its length,
// its first, second and last words and the bytes between. Each variant
// differs from the name in one part; the slot it hashes to is made the
// name's, as if the hash had not told them.
func TestKeyTableComparesAllOfAKey(t *testing.T) {
	long := "gen_ai.usage.cache_read.input_tokens"
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] ^= 0x01
		return string(b)
	}
	for _, c := range []struct{ name, variant string }{
		{long, flip(long, 0)},             // the first word
		{long, flip(long, 12)},            // the second
		{long, flip(long, 20)},            // between the second and the last
		{long, flip(long, len(long)-1)},   // the last
		{"aaaaaaaaa", "aaaaaaaaaa"},       // the length alone: equal words
		{"abcdxyz", flip("abcdxyz", 5)},   // a short key's last four bytes
		{"abcdxyz", flip("abcdxyz", 0)},   // its first four
		{"abcd", "abcdabcd"[:4] + "\x00"}, // longer, the same first four
	} {
		var tb keyTable
		tb.build([]string{c.name})
		_, ok := tb.get(c.name)
		require.True(t, ok, c.name)
		first, second, last := keyWords(c.variant)
		tb.slots[tb.slot(first, second, last, len(c.variant))] = 1
		_, ok = tb.get(c.variant)
		require.False(t, ok, "%q found as %q", c.variant, c.name)
	}
}
