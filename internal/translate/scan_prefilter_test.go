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

// TestScanAttrsSkipsOnlyWhatItWouldNotCollect: scanAttrs' first-bytes
// filter (mayScan) leaves out only keys that scanAttr collects nothing of.
func TestScanAttrsSkipsOnlyWhatItWouldNotCollect(t *testing.T) {
	tr, err := New(DefaultSettings())
	require.NoError(t, err)
	values := []attribute.Value{attribute.StringValue("user"), attribute.IntValue(12), attribute.StringSliceValue([]string{"a"})}
	for _, key := range scanTestKeys() {
		for _, val := range values {
			got := tr.scanAttrs(spanview.AttrsOf([]attribute.KeyValue{{Key: attribute.Key(key), Value: val}}))
			var want scan
			if key != "" {
				tr.scanAttr(&want, key, spanview.ValueOf(val))
			}
			assert.Equal(t, want, got, "%q = %s", key, val.String())
			if !mayScan(key) {
				assert.Equal(t, scan{}, want, "%q is skipped but collected", key)
			}
			if !collects(key) {
				assert.Equal(t, scan{}, want, "%q is not collected, says collects, but is", key)
			}
		}
	}
}

// TestScanViewIsScanAttrs: scanView, which skips the pass over the
// attributes when the view found no key scanAttr collects, collects what
// scanAttrs does: of each test key alone, among view keys and unknown
// keys, before and after them, and among more attributes than the view
// indexes.
func TestScanViewIsScanAttrs(t *testing.T) {
	tr, err := New(DefaultSettings())
	require.NoError(t, err)
	values := []attribute.Value{attribute.StringValue("user"), attribute.IntValue(12), attribute.StringSliceValue([]string{"a"})}
	common := []attribute.KeyValue{
		attribute.String("session.id", "s"), attribute.String("gen_ai.operation.name", "chat"), attribute.Int("gen_ai.usage.input_tokens", 3),
		attribute.String("some.other.key", "x"),
	}
	keys := append(scanTestKeys(), viewKeyNames...)
	var many []attribute.KeyValue
	for i := range 300 {
		many = append(many, attribute.Int(fmt.Sprintf("other.%d", i), i))
	}
	check := func(kvs []attribute.KeyValue) {
		t.Helper()
		v := newAttrView(spanview.AttrsOf(kvs))
		want := tr.scanAttrs(v.Attrs)
		require.Equal(t, want, tr.scanView(&v), "%v", kvs)
	}
	for _, key := range keys {
		for _, val := range values {
			kv := attribute.KeyValue{Key: attribute.Key(key), Value: val}
			check([]attribute.KeyValue{kv})
			check(append(slices.Clone(common), kv))
			check(append([]attribute.KeyValue{kv}, common...))
			check(append(slices.Clone(many[:254]), kv)) // 255 attributes: the view scans
		}
	}
	check(nil)
	check(common)
}

// scanTestKeys are keys of every prefix scanAttr collects, and others that
// start alike.
func scanTestKeys() []string {
	var keys []string
	for _, p := range []string{
		sc.PropertiesPrefix, sc.AttributesPrefix, sc.TraitsPrefix,
		conventions.OpenLLMetryPromptPrefix, conventions.OpenLLMetryCompletionPrefix, conventions.GenAIUsagePrefix,
		conventions.OpenInferenceInputMessagesPrefix, conventions.OpenInferenceOutputMessagesPrefix,
	} {
		for _, rest := range []string{"", "plan", "0.role", "0.content", "1.tool_calls.0.id", "image.input_tokens",
			"0.message.role", "0.message.content", "0.message.contents.0.message_content.text", "0.message.tool_call_id"} {
			keys = append(keys, p+rest)
		}
		for n := range len(p) {
			keys = append(keys, p[:n])
		}
	}
	keys = append(keys, "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.audio.",
		"gen_ai.usage.image.output_tokens", "gen_ai.usage..", "gen_ai.user.id", "gen_ai.u")
	keys = append(keys, "gen_ai.operation.name", "gen_ai.usage.input_tokens", "session.id", "mindlytics.event", "llm.model_name",
		"gen_ai.p", "gen_ai.c", "gen_ai.x", "genXaiYprompt.0.role", "mindlyticX", "llmXinput_messages.0.message.role", "m", "l", "g")
	// Every byte after "gen_ai.", and first, of keys with each prefix.
	for c := range 256 {
		for _, p := range []string{sc.PropertiesPrefix, conventions.OpenLLMetryPromptPrefix, conventions.OpenInferenceInputMessagesPrefix} {
			keys = append(keys, string(rune(c))+p[1:]+"0.content", p[:7]+string(rune(c))+p[8:]+"0.content")
		}
	}
	return keys
}

// TestNoViewKeyIsCollected: attrView.index tells scanView of the keys it
// does not know only, so registerKeys refuses a key scanAttr collects.
func TestNoViewKeyIsCollected(t *testing.T) {
	for _, k := range viewKeyNames {
		assert.False(t, collects(k), "%q", k)
	}
	assert.Panics(t, func() { registerKeys(sc.PropertiesPrefix + "plan") })
}
