package translate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// fillToolArgsAlways is fillToolArgs without mayGiveToolArgs: every
// function's args are asked whether they are JSON.
func (t *Translator) fillToolArgsAlways(spans []spanview.Span, recs []record) {
	var calls []modelToolCall
	read := false
	for i := range recs {
		r := &recs[i]
		if r.kind != sc.EventFunction || r.fromHistory || isJSONContainer(r.call.Args) {
			continue
		}
		if !read {
			read = true
			for j := range recs {
				if isModelCall(&recs[j]) {
					calls = appendOutputToolCalls(calls, &spans[recs[j].span])
				}
			}
		}
		if args, ok := modelArgsFor(calls, spans[r.span].TraceID(), r.toolCallID, r.call.Name); ok {
			r.call.Args = t.cut(args)
		}
	}
}

// fillToolArgs leaves alone a batch whose model calls can give no tool
// call's arguments: it fills what asking of every function does, on
// batches with tool calls in GenAI output messages, OpenAI's output.value,
// OpenInference's flattened messages, or none.
func TestFillToolArgsAsAlways(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(11, 12))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	oi := conventions.OpenInferenceOutputMessagesPrefix + "0." + conventions.OpenInferenceToolCallsPrefix + "0."
	filled := 0
	for range 3000 {
		n := 1 + rng.IntN(8)
		spans := make([]spanview.Span, n)
		var recs []record
		for i := range spans {
			var kvs []attribute.KeyValue
			add := func(k, v string) {
				if v != "" {
					kvs = append(kvs, attribute.String(k, v))
				}
			}
			model := rng.IntN(2) == 0
			if model {
				add(string(conventions.GenAIOutputMessagesKey), pick("", `[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]`,
					`[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"lookup","arguments":{"city":"Paris"}}]}]`,
					`[{"role":"assistant","parts":[{"type":"tool_call","name":"lookup","arguments":{"city":"Rome"}}]}]`))
				add(string(conventions.OutputValueKey), pick("", "", "plain", `{"tool_calls":[{"id":"c2","function":{"name":"other","arguments":"{\"q\":1}"}}]}`))
				if rng.IntN(5) == 0 { // not a string: read as its JSON
					kvs = append(kvs, attribute.Map(string(conventions.OutputValueKey), attribute.String("type", "tool_call"),
						attribute.String("id", "c4"), attribute.String("name", "lookup"), attribute.String("arguments", `{"city":"Lima"}`)))
				}
				if rng.IntN(4) == 0 {
					add(oi+conventions.OpenInferenceToolCallIDField, pick("", "c3"))
					add(oi+conventions.OpenInferenceToolCallNameField, "lookup")
					add(oi+conventions.OpenInferenceToolCallArgumentsField, `{"city":"Oslo"}`)
				}
				if rng.IntN(6) == 0 {
					add(sc.PropertiesPrefix+"x", "y") // a key the scan collects, with no tool call
				}
			}
			spans[i] = spanview.NewSpan(spanview.SpanParts{Name: "s", TraceID: trace.TraceID{byte(1 + rng.IntN(2))}, SpanID: trace.SpanID{byte(i + 1)},
				Attributes: kvs})
			r := record{span: i, kind: sc.EventFunction}
			if model {
				r.kind = sc.EventUsage
			} else {
				r.call = mindlytics.FunctionCall{Name: pick("lookup", "other"), Args: pick("", "Paris", `{"a":1}`, "[1]", "{broken")}
				r.toolCallID = pick("", "c1", "c2", "c3", "c4")
				r.fromHistory = rng.IntN(8) == 0
			}
			recs = append(recs, r)
		}
		views := make([]attrView, n)
		for i := range spans {
			views[i] = newAttrView(spans[i].Attributes())
		}
		got, want := slices.Clone(recs), slices.Clone(recs)
		tr.fillToolArgs(spans, views, got)
		tr.fillToolArgsAlways(spans, want)
		require.Equal(t, want, got)
		if !reflect.DeepEqual(recs, want) {
			filled++
		}
	}
	if filled < 300 {
		t.Fatalf("only %d batches had args filled", filled)
	}
}

// traceIndex finds each trace id's slot as a map would, with ids that
// differ in one byte of either half and tables near half full.
func TestTraceIndexAsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var x traceIndex
	for range 2000 {
		n := rng.IntN(300)
		x.reset(n)
		want := map[trace.TraceID]int32{}
		for range n {
			var id trace.TraceID
			id[rng.IntN(2)*15] = byte(rng.IntN(n + 1))
			id[7] = byte(rng.IntN(3))
			s := x.slot(id)
			if w, ok := want[id]; ok {
				require.Equal(t, w, s.at, "id %x", id)
				continue
			}
			require.Zero(t, s.at, "id %x", id)
			want[id] = int32(len(want) + 1)
			s.id, s.at = id, want[id]
		}
	}
}

func TestMentionsToolCallAsContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const alphabet = "tool_ca_x"
	for range 200_000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(8) == 0 && len(b) >= 9 {
			copy(b[rng.IntN(len(b)-8):], "tool_call")
		}
		if s := string(b); mentionsToolCall(s) != strings.Contains(s, "tool_call") {
			t.Fatalf("%q: %v", s, mentionsToolCall(s))
		}
	}
}

// rememberBySpans is remember as it was: each trace put at its first span
// in the batch.
func (t *Translator) rememberBySpans(spans []spanview.Span, b *batchIdentities, now time.Time) {
	done := map[*traceGroup]bool{}
	for i := range spans {
		g := b.group(i)
		switch {
		case done[g] || g.first.empty():
		case g.cacheRead && !g.cacheHit:
			t.traces.add(spans[i].TraceID(), g.first, now)
		default:
			t.traces.put(spans[i].TraceID(), g.first, now)
		}
		done[g] = true
	}
}

// remember puts the traces in the cache in the order their groups were
// made: as putting each at its first span did, evictions of a small cache
// and entries read before included.
func TestRememberAsBySpans(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	got, want := newTranslator(t, withTraceCache(5, time.Hour)), newTranslator(t, withTraceCache(5, time.Hour))
	for iter := range 2000 {
		spans := randomBatch(rng, 1+rng.IntN(30))
		for i := range spans { // traces of their own, some coming again; sessions of their own, some spans with none
			p := spanview.Parts(&spans[i])
			p.TraceID[1] = byte(iter % 7)
			if rng.IntN(4) == 0 {
				p.Attributes = []attribute.KeyValue{sc.SessionIDKey.String(fmt.Sprint("s", rng.IntN(9)))}
				if rng.IntN(3) == 0 {
					p.Attributes = nil
				}
			}
		}
		bg, bw := identitiesOf(t, got, spans), identitiesOf(t, want, spans)
		for i := range spans {
			if rng.IntN(3) == 0 { // read the cache first, as resolve does
				got.cachedIdentity(bg.group(i), spans[i].TraceID(), now)
				want.cachedIdentity(bw.group(i), spans[i].TraceID(), now)
			}
		}
		got.remember(bg, now)
		want.rememberBySpans(spans, bw, now)
		require.Equal(t, want.traces, got.traces)
		now = now.Add(time.Second)
	}
}

// checkByRunes is identity.check as it was: every id, empty or not,
// checked for UTF-8 and counted in runes when longer than its limit.
func (id *identity) checkByRunes() error {
	for f, v := range id {
		limit, whose := MaxKeptIDLength, "this translation keeps"
		if f == fDevice {
			limit, whose = MaxIDLength, "Mindlytics accepts"
		}
		switch {
		case !utf8.ValidString(v):
			return fmt.Errorf("%s %q is not valid UTF-8", idNames[f], truncate(strings.ToValidUTF8(v, "\uFFFD"), 40))
		case utf8.RuneCountInString(v) > limit:
			return fmt.Errorf("%s is %d characters, more than the %d %s", idNames[f], utf8.RuneCountInString(v), limit, whose)
		}
	}
	return nil
}

// check passes short ASCII ids at once: it refuses what checking each id
// in full refuses, with its error, ids at and around the limits included.
func TestCheckAsByRunes(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	pool := []string{"", "", "s1", "u-1", "sess-\xff", "日本", "é"}
	for _, n := range []int{MaxIDLength - 1, MaxIDLength, MaxIDLength + 1, MaxKeptIDLength - 1, MaxKeptIDLength, MaxKeptIDLength + 1} {
		pool = append(pool, strings.Repeat("d", n), strings.Repeat("é", n), strings.Repeat("d", n-1)+"\x80")
	}
	for range 100_000 {
		var id identity
		for f := range id {
			id[f] = pool[rng.IntN(len(pool))]
		}
		if got, want := id.check(), id.checkByRunes(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: %v, by runes %v", id, got, want)
		}
	}
}

// between answers as Sub: times with and without a monotonic reading, near
// and far apart, at the ends of what a Time holds, in other zones.
func TestBetweenAsSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	now := time.Now() // a monotonic reading
	zone := time.FixedZone("x", 3600)
	for range 200_000 {
		start := time.Unix(rng.Int64N(1<<34)-1<<33, rng.Int64N(2e9))
		switch rng.IntN(6) {
		case 0:
			start = now.Add(time.Duration(rng.Int64N(1e12)))
		case 1:
			start = time.Date(1+rng.IntN(3), 1, 1, 0, 0, 0, rng.IntN(1e9), time.UTC)
		case 2:
			start = start.In(zone)
		}
		end := start.Add(time.Duration(rng.Int64N(1 << 62)))
		switch rng.IntN(5) {
		case 0:
			end = time.Unix(rng.Int64N(1<<40), rng.Int64N(1e9))
		case 1:
			end = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		case 2:
			end = start.Add(time.Duration(rng.Int64N(1e10))).Round(0)
		}
		if got, want := between(start, end), end.Sub(start); got != want {
			t.Fatalf("between(%v, %v) = %v, Sub %v", start, end, got, want)
		}
	}
}

// unwrapToolOutputBySearch is unwrapToolOutput without its look at the
// first byte.
func unwrapToolOutputBySearch(out string) string {
	if !strings.Contains(out, `"lc"`) || !strings.Contains(out, `"kwargs"`) {
		return out
	}
	var wrapped struct {
		serialized
		Output *serialized `json:"output"`
	}
	if json.Unmarshal([]byte(out), &wrapped) != nil {
		return out
	}
	msg := &wrapped.serialized
	if wrapped.Output != nil {
		msg = wrapped.Output
	}
	if msg.LC == 0 || msg.Kwargs == nil || len(msg.Kwargs.Content) == 0 {
		return out
	}
	var text string
	if json.Unmarshal(msg.Kwargs.Content, &text) == nil {
		return text
	}
	return string(msg.Kwargs.Content)
}

// unwrapToolOutput tells most outputs by their first byte: it answers as
// the search of the keys does, with white space of JSON's and not before
// the object, arrays, nulls and text around it.
func TestUnwrapToolOutputAsBySearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	bodies := []string{`{"lc":1,"type":"constructor","kwargs":{"content":"ok"}}`, `{"output":{"lc":1,"kwargs":{"content":{"a":1}}}}`,
		`[{"lc":1,"kwargs":{"content":"x"}}]`, `null`, `"lc" "kwargs"`, `{"lc":0,"kwargs":{}}`, "shipping", `{"lc":1}`, ``}
	spaces := []string{"", " ", "\t", "\n", "\r", "\u00a0", "\u2003", "\v", "\f", "x"}
	n := 0
	for range 20_000 {
		out := spaces[rng.IntN(len(spaces))] + bodies[rng.IntN(len(bodies))] + spaces[rng.IntN(len(spaces))]
		got, want := unwrapToolOutput(out), unwrapToolOutputBySearch(out)
		if got != want {
			t.Fatalf("%q: %q, by search %q", out, got, want)
		}
		if got != out {
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d outputs unwrapped", n)
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

// A pooled batch's groups are extended in place, zero: a batch translated
// after others groups its spans as a new one does.
func TestPooledGroupsAsNew(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(27, 28))
	for range 300 {
		n := 1 + rng.IntN(40)
		spans := randomBatch(rng, n)
		b := getBatch(n)
		for i := range spans {
			b.views[i] = newAttrView(spans[i].Attributes())
		}
		tr.collectIdentities(spans, b.views, &b.ids)
		require.Equal(t, identitiesOf(t, tr, spans).groups, b.ids.groups)
		b.ids.groups[0].cacheRead = true // as resolve marks it
		b.release()
	}
}

// Each trace's identity is each field of its earliest-starting span that
// carries it, the first in the batch of those that start together.
func TestTraceFirstFieldsAsPlainRule(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(29, 30))
	base := time.Now() // a monotonic reading, and without (Round)
	keys := []attribute.Key{sc.SessionIDKey, sc.UserIDKey, attribute.Key(conventions.GenAIAgentNameKey), sc.ConversationIDKey}
	for range 3000 {
		spans := randomBatch(rng, 1+rng.IntN(30))
		for i := range spans {
			p := spanview.Parts(&spans[i])
			p.Start = base.Add(time.Duration(rng.IntN(4)) * time.Second)
			if rng.IntN(2) == 0 {
				p.Start = p.Start.Round(0)
			}
			p.Attributes = nil
			for _, k := range keys {
				if rng.IntN(2) == 0 {
					p.Attributes = append(p.Attributes, k.String(fmt.Sprint(k, rng.IntN(3))))
				}
			}
		}
		b := identitiesOf(t, tr, spans)
		for i := range spans {
			g := b.group(i)
			for f := range nFields {
				want, wantAt := "", time.Time{}
				for j := range spans {
					if v := b.own[j][f]; v != "" && spans[j].TraceID() == spans[i].TraceID() && (want == "" || spans[j].StartTime().Before(wantAt)) {
						want, wantAt = v, spans[j].StartTime()
					}
				}
				require.Equal(t, want, g.first[f], "field %d of span %d", f, i)
				if want != "" {
					require.True(t, wantAt.Equal(g.firstAt[f]), "field %d of span %d", f, i)
				}
			}
		}
	}
}
