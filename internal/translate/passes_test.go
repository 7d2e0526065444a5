package translate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
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

// mergeCallsByMaps is mergeCalls as it was, with the batch's spans and
// model calls found by span id in maps of the whole batch.
func mergeCallsByMaps(spans []spanview.Span, recs []record) []record {
	if len(recs) < 2 {
		return recs
	}
	model := map[trace.SpanID]int{}
	for i := range recs {
		if isModelCall(&recs[i]) {
			model[spans[recs[i].span].SpanID()] = i
		}
	}
	if len(model) < 2 {
		return recs
	}
	spanIndex := map[trace.SpanID]int{}
	for i := range spans {
		spanIndex[spans[i].SpanID()] = i
	}
	drop := make([]bool, len(recs))
	byResponse := map[string]int{}
	for i := range recs {
		r := &recs[i]
		if !isModelCall(r) || drop[i] {
			continue
		}
		if id := r.u.responseID; id != "" {
			first, seen := byResponse[id]
			if seen && !r.explicit && oneCallTwice(&spans[recs[first].span], &spans[r.span], &recs[first], r) {
				lendTexts(&recs[first], r)
				drop[i] = true
				continue
			}
			if !seen {
				byResponse[id] = i
			}
		}
		parent := spans[r.span].ParentSpanID()
		direct := true
		for range maxAncestry {
			j, ok := spanIndex[parent]
			if !ok || !parent.IsValid() {
				break
			}
			if o, ok := model[parent]; ok && !drop[o] {
				outer := &recs[o]
				switch {
				case (outer.explicit && outer.kind == sc.EventTurn) || outer.turnScope:
					if !r.explicit && !outer.turnScope && outer.u.hasTokens && sameCall(outer, r, direct) {
						drop[i] = true
					} else if !r.explicit {
						drop[i] = !asUsage(r)
					}
				case direct && !outer.explicit && madeFrom(&spans[j], &spans[r.span]):
					absorb(r, outer)
					drop[o] = true
				case sameCall(outer, r, direct) && !outer.explicit:
					absorb(r, outer)
					lendTexts(r, outer)
					drop[o] = true
				}
				break
			}
			parent, direct = spans[j].ParentSpanID(), false
		}
	}
	return keepUndropped(recs, drop)
}

// mergeCalls walks up a span's trace through the batch's links: on batches
// whose span ids are unique, as the maps of span ids found them, with
// stacked calls, turns above calls, helpers' spans, response ids twice.
func TestMergeCallsAsByMaps(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(7, 8))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	kinds := []sc.EventKind{sc.EventTurn, sc.EventUsage, sc.EventUsage, sc.EventFunction}
	merged := 0
	for range 4000 {
		n := 1 + rng.IntN(30)
		traces := 1 + rng.IntN(4)
		spans := make([]spanview.Span, n)
		for i := range spans {
			tid := trace.TraceID{byte(1 + rng.IntN(traces))}
			p := spanview.SpanParts{Name: "s", TraceID: tid, SpanID: trace.SpanID{byte(i + 1), 7}, ScopeName: "lib",
				Start: base.Add(time.Duration(rng.IntN(4)) * time.Second)}
			p.End = p.Start.Add(time.Duration(rng.IntN(3)) * time.Second)
			if i > 0 && rng.IntN(6) > 0 { // a parent of its trace, mostly
				for range 4 {
					if j := rng.IntN(i); spans[j].TraceID() == tid {
						p.ParentSpanID = spans[j].SpanID()
						break
					}
				}
				if !p.ParentSpanID.IsValid() && rng.IntN(2) == 0 {
					p.ParentSpanID = trace.SpanID{byte(200 + rng.IntN(50)), 7} // not in the batch
				}
			}
			if rng.IntN(3) == 0 {
				p.ScopeName = conventions.HelperScopePrefix + "x"
			} else if rng.IntN(3) == 0 {
				p.ScopeName = "other"
			}
			spans[i] = spanview.NewSpan(p)
		}
		var recs []record
		for i := range spans {
			if rng.IntN(4) == 0 {
				continue
			}
			r := record{span: i, kind: kinds[rng.IntN(len(kinds))], explicit: rng.IntN(6) == 0, turnScope: rng.IntN(8) == 0}
			r.u = usageInfo{model: []string{"", "m"}[rng.IntN(2)], hasTokens: rng.IntN(3) > 0, in: int64(rng.IntN(3)), out: int64(rng.IntN(2)),
				responseID: []string{"", "", "r1", "r2"}[rng.IntN(4)], cached: -1, cacheWrite: -1, reasoning: -1}
			if r.kind == sc.EventTurn {
				r.turn = mindlytics.Turn{User: "u", Assistant: "a", Model: r.u.model}
			}
			recs = append(recs, r)
		}
		want := mergeCallsByMaps(spans, slices.Clone(recs))
		b := identitiesOf(t, tr, spans)
		var m mergeScratch
		got := mergeCalls(spans, b, slices.Clone(recs), &m)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("merged records %v, by maps %v", spansOf(got), spansOf(want))
		}
		if len(got) < len(recs) {
			merged++
		}
	}
	if merged < 500 {
		t.Fatalf("only %d batches merged calls", merged)
	}
}

// A span's parent is of its trace: a model call is not merged with one of
// another trace whose span has its parent's id.
func TestMergeCallsWithinTrace(t *testing.T) {
	tr := newTranslator(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	spans := []spanview.Span{
		spanview.NewSpan(spanview.SpanParts{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, Start: at, End: at}),
		spanview.NewSpan(spanview.SpanParts{TraceID: trace.TraceID{2}, SpanID: trace.SpanID{2}, ParentSpanID: trace.SpanID{1}, Start: at, End: at}),
	}
	u := usageInfo{model: "m", hasTokens: true, in: 3, out: 2, cached: -1, cacheWrite: -1, reasoning: -1}
	recs := []record{{span: 0, kind: sc.EventUsage, u: u}, {span: 1, kind: sc.EventUsage, u: u}}
	var m mergeScratch
	require.Len(t, mergeCalls(spans, identitiesOf(t, tr, spans), recs, &m), 2)
}

// tokensByValues is usageInfo.tokens as it was: every count read as a
// Value.
func (u *usageInfo) tokensByValues(a *attrView, keys []viewKey) (int64, bool) {
	for _, id := range keys {
		v, ok := a.get(id)
		if !ok {
			continue
		}
		if n, ok := v.Int(); ok && n >= 0 && n <= maxTokens {
			return n, true
		}
		u.ignored = append(u.ignored, ignoredValue{viewKeyNames[id], fmt.Sprintf("%s is not a token count (0 to %d)", truncate(v.AsString(), 40), maxTokens)})
	}
	return 0, false
}

// tokens reads indexed integer counts in the attributes as they are: it
// answers, and reports what it ignores, as reading every count as a Value
// does, for counts of every kind, in and out of range, in indexed and
// scanned views.
func TestTokensAsByValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	values := []attribute.Value{attribute.IntValue(0), attribute.IntValue(12), attribute.IntValue(-1), attribute.IntValue(maxTokens),
		attribute.IntValue(maxTokens + 1), attribute.StringValue("7"), attribute.StringValue(" 8 "), attribute.StringValue("x"),
		attribute.Float64Value(3), attribute.Float64Value(3.5), attribute.BoolValue(true), attribute.StringValue("")}
	for range 5000 {
		var kvs []attribute.KeyValue
		for _, k := range inputTokenKeys {
			if rng.IntN(3) == 0 {
				kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(k), Value: values[rng.IntN(len(values))]})
			}
		}
		if rng.IntN(4) == 0 { // more attributes than a view indexes: it scans them
			for i := range linearPos {
				kvs = append(kvs, attribute.Int(fmt.Sprintf("pad.%d", i), i))
			}
		}
		rng.Shuffle(len(kvs), func(i, j int) { kvs[i], kvs[j] = kvs[j], kvs[i] })
		v := newAttrView(spanview.AttrsOf(kvs))
		var got, want usageInfo
		n, ok := got.tokens(&v, inputTokenVKs)
		wn, wok := want.tokensByValues(&v, inputTokenVKs)
		if n != wn || ok != wok || !reflect.DeepEqual(got.ignored, want.ignored) {
			t.Fatalf("%v: %d %v %v, by values %d %v %v", kvs[:min(len(kvs), 5)], n, ok, got.ignored, wn, wok, want.ignored)
		}
	}
}

// usageOf reads the token details only when a key of theirs is there: what
// it reads, and ignores, is what reading each detail reads.
func TestTokenDetailsAsEachRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	values := []attribute.Value{attribute.IntValue(4), attribute.IntValue(-2), attribute.StringValue("5"), attribute.StringValue("x")}
	details := slices.Concat(cachedTokenKeys, cacheWriteTokenKeys, reasoningTokenKeys)
	for range 5000 {
		kvs := []attribute.KeyValue{attribute.Int(string(sc.InputTokensKey), 10)}
		for _, k := range details {
			if rng.IntN(8) == 0 {
				kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(k), Value: values[rng.IntN(len(values))]})
			}
		}
		v := newAttrView(spanview.AttrsOf(kvs))
		u := usageOf(&v)
		var want usageInfo
		want.tokens(&v, inputTokenVKs)
		c, w, r := want.tokensOr(&v, cachedTokenVKs), want.tokensOr(&v, cacheWriteTokenVK), want.tokensOr(&v, reasoningTokenVKs)
		if u.cached != c || u.cacheWrite != w || u.reasoning != r || !reflect.DeepEqual(u.ignored, want.ignored) {
			t.Fatalf("%v: %d %d %d %v, each read %d %d %d %v", kvs, u.cached, u.cacheWrite, u.reasoning, u.ignored, c, w, r, want.ignored)
		}
	}
}
