package translate

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestPooledBatchesDoNotLeak translates batches of different sizes on
// several goroutines at once, each on translators of its own, and checks
// every result against a translation made alone: the scratch space that
// batches share through batchPool must carry nothing from one to another.
func TestPooledBatchesDoNotLeak(t *testing.T) {
	res := []attribute.KeyValue{attribute.String("service.name", "pool")}
	batches := [][]spanview.Span{
		spanview.FromReadOnlySpans(recordSpans(t, res, benchSpecs(16)...)),
		spanview.FromReadOnlySpans(recordSpans(t, res, benchSpecs(3)...)),
		spanview.FromReadOnlySpans(recordSpans(t, res, benchSpecs(1)...)[2:]), // children without their root
	}
	want := make([][]string, len(batches))
	for i, b := range batches {
		evs, errs := newTranslator(t).Translate(b)
		require.Empty(t, errs)
		want[i] = eventJSON(t, evs)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 30 {
				i := (g + n) % len(batches)
				evs, errs := newTranslator(t).Translate(batches[i])
				if len(errs) > 0 {
					t.Errorf("batch %d: %v", i, errs)
					return
				}
				if got := eventJSON(t, evs); !equalStrings(got, want[i]) {
					t.Errorf("batch %d: events differ from its translation alone", i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func eventJSON(t *testing.T, evs []mindlytics.Event) []string {
	t.Helper()
	out := make([]string, len(evs))
	for i, ev := range evs {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		out[i] = string(b)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReleaseClearsEveryRecordUsed: release clears the records up to the
// most the call held (used), though merges left fewer in recs, and the
// array recs grew into; what lies beyond was never written.
func TestReleaseClearsEveryRecordUsed(t *testing.T) {
	for _, n := range []int{5, 12} { // within the array, and grown past it
		b := getBatch(8)
		recs := b.recs
		for range n {
			recs = append(recs, record{call: mindlytics.FunctionCall{Name: "lookup"}, toolCallID: "call-1"})
		}
		b.used = len(recs)
		recs = recs[:1] // as the merges leave records out
		b.recs = recs
		b.release()
		for i, r := range b.recs[:cap(b.recs)] {
			require.Truef(t, reflect.ValueOf(r).IsZero(), "n=%d: record %d of %d still held after release", n, i, cap(b.recs))
		}
	}
}

// TestSpansWithoutRecordLeaveNoTrace: extract fills the batch's next
// record in place, and a span that makes no record (an error, or no
// event) must leave that slot as zero as it found it. The tool spans, each
// in a trace and session of its own, are translated alone and in a batch
// with such spans: a field one of those left behind (its joined mark, its
// kind) would change the events of the tool span after it.
func TestSpansWithoutRecordLeaveNoTrace(t *testing.T) {
	joined := conventions.SessionJoinedKey.Bool(true)
	tool := func(n int, start time.Duration) spanSpec {
		return root("execute_tool lookup", start, start+time.Second, sc.SessionID(fmt.Sprintf("s-%d", n)),
			sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("lookup"), sc.ToolCallResult("found"))
	}
	specs := []spanSpec{
		root("bogus", 0, time.Second, sc.SessionID("s-bogus"), joined, sc.MindlyticsEvent("bogus")),
		tool(1, 2*time.Second),
		root("GET /orders", 4*time.Second, 5*time.Second, sc.SessionID("s-http"), joined,
			attribute.String("http.request.method", "GET")),
		tool(2, 6*time.Second),
		root("bad turn", 8*time.Second, 9*time.Second, sc.SessionID("s-turn"), joined, sc.MindlyticsEvent("turn")),
		tool(3, 10*time.Second),
		// A model call with nothing to count: extracted, written, no event.
		root("chat", 12*time.Second, 13*time.Second, sc.SessionID("s-chat"), joined, sc.OperationName(sc.GenAIOperationChat)),
		tool(4, 14*time.Second),
	}
	spans := spanview.FromReadOnlySpans(recordSpans(t, nil, specs...))
	// The tool spans alone, first: a slot left dirty would reach them
	// through the pool. The others make no event, alone or not.
	var want []mindlytics.Event
	for i := range spans {
		if spans[i].Name() != "execute_tool lookup" {
			continue
		}
		evs, errs := newTranslator(t).Translate(spans[i : i+1])
		require.Empty(t, errs)
		want = append(want, evs...)
	}
	got, _ := newTranslator(t).Translate(spans)
	gotJSON, wantJSON := eventJSON(t, got), eventJSON(t, want)
	slices.Sort(gotJSON)
	slices.Sort(wantJSON)
	require.Equal(t, wantJSON, gotJSON)
	require.NotEmpty(t, gotJSON)
}

// TestExtractWritesOnlyWhatItTranslates: a span of no class that makes
// events (an HTTP call, an agent wrapper) leaves its record untouched,
// zero, and says so (written false), so that translate need not clear
// it; every other span says it wrote, whatever it made.
func TestExtractWritesOnlyWhatItTranslates(t *testing.T) {
	joined := conventions.SessionJoinedKey.Bool(true)
	specs := []spanSpec{
		root("GET /orders", 0, time.Second, sc.SessionID("s"), joined, attribute.String("http.request.method", "GET")),
		root("invoke_agent support", 0, time.Second, sc.SessionID("s"), joined,
			sc.OperationName(sc.GenAIOperationInvokeAgent), attribute.String("gen_ai.agent.name", "support")),
		root("execute_tool lookup", 0, time.Second, sc.SessionID("s"), joined,
			sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("lookup")),
		root("chat", 0, time.Second, sc.SessionID("s"), joined, sc.OperationName(sc.GenAIOperationChat)),
		root("bogus", 0, time.Second, sc.SessionID("s"), joined, sc.MindlyticsEvent("bogus")),
		root("track", 0, time.Second, sc.SessionID("s"), joined, sc.MindlyticsEvent("track")),
	}
	tr := newTranslator(t)
	spans := spanview.FromReadOnlySpans(recordSpans(t, nil, specs...))
	wantWritten := map[string]bool{"GET /orders": false, "invoke_agent support": false}
	for i := range spans {
		v := newAttrView(spans[i].Attributes())
		var r record
		_, ok, written, _ := tr.extract(&spans[i], i+1, &v, &r)
		want, listed := wantWritten[spans[i].Name()]
		require.Equal(t, want || !listed, written, spans[i].Name())
		if !written {
			require.False(t, ok, spans[i].Name())
			require.True(t, reflect.ValueOf(r).IsZero(), "%s: a record said unwritten is not zero", spans[i].Name())
		} else {
			require.False(t, reflect.ValueOf(r).IsZero(), spans[i].Name())
		}
	}
}
