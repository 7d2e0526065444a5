package translate

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// The per-batch passes' shortcuts must answer as the general ways do.

// sortRecords leaves out the sort of records already in order: its order
// is the stable sort's, on batches in order, nearly in order and not.
func TestSortRecordsAsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := []sc.EventKind{sc.EventTurn, sc.EventUsage, sc.EventFunction, sc.EventSessionStart, sc.EventConversationStart,
		sc.EventConversationEnd, sc.EventSessionEnd, sc.EventTrack}
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for range 5000 {
		recs := make([]record, rng.IntN(40))
		for i := range recs {
			recs[i] = record{span: i, kind: kinds[rng.IntN(len(kinds))],
				at: base.Add(time.Duration(rng.IntN(6)) * time.Second), begin: base.Add(time.Duration(rng.IntN(3)) * time.Second)}
		}
		if rng.IntN(2) == 0 { // in order, but for a swap now and then
			slices.SortStableFunc(recs, func(a, b record) int { return eventOrder(&a, &b) })
			if len(recs) > 1 && rng.IntN(3) == 0 {
				i := rng.IntN(len(recs) - 1)
				recs[i], recs[i+1] = recs[i+1], recs[i]
			}
		}
		want := make([]int32, len(recs))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(i, j int32) int { return eventOrder(&recs[i], &recs[j]) })
		if got := sortRecords(recs, nil); !slices.Equal(got, want) {
			t.Fatalf("order %v, the stable sort's %v", got, want)
		}
	}
}

// extract gives the class classify gives the span (noteExtracted takes it
// rather than classifying again), and classUnread for a span whose
// mindlytics.event names its kind.
func TestExtractGivesTheClass(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	for range 5000 {
		var kvs []attribute.KeyValue
		add := func(k, v string) {
			if v != "" {
				kvs = append(kvs, attribute.String(k, v))
			}
		}
		add(string(sc.OperationNameKey), pick("", "x", sc.GenAIOperationChat, sc.GenAIOperationInvokeAgent, sc.GenAIOperationExecuteTool,
			conventions.GenAIOperationHandleConversationTurn, conventions.GenAIOperationEmbeddings))
		add(string(conventions.OpenInferenceSpanKindKey), pick("", "", "", "TOOL", "LLM", "CHAIN"))
		add(string(conventions.TraceloopSpanKindKey), pick("", "", "", conventions.TraceloopKindTool, conventions.TraceloopKindWorkflow))
		add(string(sc.ToolNameKey), pick("", "lookup"))
		add(string(sc.RequestModelKey), pick("", "m"))
		add(string(sc.TurnUserKey), pick("", "hi"))
		add(string(sc.TurnAssistantKey), pick("", "hello"))
		add(string(sc.MindlyticsEventKey), pick("", "", "", "track", "turn", "bogus"))
		if rng.IntN(2) == 0 {
			kvs = append(kvs, attribute.Int(string(sc.InputTokensKey), 3))
		}
		spans := spanview.FromReadOnlySpans(recordSpans(t, nil, root("s", 0, time.Second, kvs...)))
		v := newAttrView(spans[0].Attributes())
		var r record
		c, _, _, _ := tr.extract(&spans[0], 0, &v, &r)
		want := classify(&v)
		if _, explicit := v.get(mindlyticsEventVK); explicit {
			want = classUnread
		}
		if c != want {
			t.Fatalf("%v: class %d, want %d", kvs, c, want)
		}
	}
}
