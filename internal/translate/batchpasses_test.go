package translate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// The batch passes' shortcuts (grouping spans that come together, linking a
// trace's few spans without a map, leaving a batch with no helper span
// alone) must answer as the plain ways do, on batches made to hit their
// edges: ids repeated within a trace and across traces, a trace's spans
// scattered, traces larger than maxScannedGroup.

// randomBatch returns n spans of a few traces with span and parent ids
// drawn from a small pool, some under a helper's scope.
func randomBatch(rng *rand.Rand, n int) []spanview.Span {
	traces := 1 + rng.IntN(6)
	ids := 2 + rng.IntN(40)
	spans := make([]spanview.Span, n)
	tr := rng.IntN(traces)
	for i := range spans {
		if rng.IntN(4) == 0 { // mostly a trace's spans come together
			tr = rng.IntN(traces)
		}
		p := spanview.SpanParts{
			Name:       "s",
			TraceID:    trace.TraceID{byte(tr + 1)},
			SpanID:     trace.SpanID{byte(1 + rng.IntN(ids))},
			Attributes: []attribute.KeyValue{sc.SessionIDKey.String("sess")},
			ScopeName:  "lib",
		}
		if rng.IntN(5) > 0 {
			p.ParentSpanID = trace.SpanID{byte(1 + rng.IntN(ids))}
		}
		if rng.IntN(3) == 0 {
			p.ScopeName = conventions.HelperScopePrefix + "x"
		}
		spans[i] = spanview.NewSpan(p)
	}
	return spans
}

// identitiesOf groups and identifies spans as translate does.
func identitiesOf(t *testing.T, tr *Translator, spans []spanview.Span) *batchIdentities {
	var b batchIdentities
	b.reset(len(spans))
	views := make([]attrView, len(spans))
	for i := range spans {
		views[i] = newAttrView(spans[i].Attributes())
	}
	tr.collectIdentities(spans, views, &b)
	return &b
}

func TestBatchGroupingAndLinksAsByMap(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		spans := randomBatch(rng, 1+rng.IntN(60))
		b := identitiesOf(t, tr, spans)

		// Groups: by trace, numbered as the traces first come.
		first := map[trace.TraceID]int32{}
		count := map[trace.TraceID]int{}
		for i := range spans {
			id := spans[i].TraceID()
			if _, ok := first[id]; !ok {
				first[id] = int32(len(first))
			}
			count[id]++
			require.Equal(t, first[id], b.groupOf[i], "group of span %d", i)
		}
		require.Len(t, b.groups, len(first))
		for id, gi := range first {
			require.Equal(t, count[id], b.groups[gi].n)
		}

		// Parents: the last span of the same trace with the parent's id.
		byID := map[spanKey]int32{}
		for j := range spans {
			byID[spanKey{spans[j].TraceID(), spans[j].SpanID()}] = int32(j)
		}
		b.linkParents(spans)
		for j := range spans {
			want := int32(-1)
			if p := spans[j].ParentSpanID(); p.IsValid() {
				if k, ok := byID[spanKey{spans[j].TraceID(), p}]; ok {
					want = k
				}
			}
			require.Equal(t, want, b.parent[j], "parent of span %d", j)
		}
		b.clear()
	}
}

func TestDropSourcesOfHelperToolsShortcut(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		spans := randomBatch(rng, 1+rng.IntN(40))
		var recs []record
		for i := range spans {
			if rng.IntN(3) == 0 {
				continue
			}
			r := record{span: i, kind: sc.EventFunction, fromHistory: rng.IntN(6) == 0}
			if rng.IntN(5) == 0 {
				r.kind = sc.EventTurn
			}
			recs = append(recs, r)
		}
		fast, slow := identitiesOf(t, tr, spans), identitiesOf(t, tr, spans)
		got := dropSourcesOfHelperTools(spans, fast, slices.Clone(recs))
		want := referenceDropSources(spans, slow, slices.Clone(recs))
		require.Equal(t, spansOf(want), spansOf(got))
		require.Equal(t, slow.byIDBuilt, fast.byIDBuilt, "whether the spans were linked")
	}
}

// referenceDropSources is dropSourcesOfHelperTools without its shortcut.
func referenceDropSources(spans []spanview.Span, ids *batchIdentities, recs []record) []record {
	fns := map[int]int{}
	for i := range recs {
		if recs[i].kind == sc.EventFunction && !recs[i].fromHistory {
			fns[recs[i].span] = i
		}
	}
	if len(fns) < 2 {
		return recs
	}
	return dropSourcesOfHelperToolsByMap(spans, ids, recs)
}

func spansOf(recs []record) []int {
	out := make([]int, len(recs))
	for i := range recs {
		out[i] = recs[i].span
	}
	return out
}

// TestPooledBatchIsZero: groupOfTrace extends a pooled batch's trace
// groups over zero ones; release must have cleared them through their
// capacity, whatever sizes the calls before had.
func TestPooledBatchIsZero(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(7, 8))
	for range 50 {
		n := 1 + rng.IntN(40)
		b := getBatch(n)
		spans := randomBatch(rng, n)
		for i := range spans {
			b.views[i] = newAttrView(spans[i].Attributes())
		}
		tr.collectIdentities(spans, b.views, &b.ids)
		b.release()
		for i, g := range b.ids.groups[:cap(b.ids.groups)] {
			require.Truef(t, reflect.ValueOf(g).IsZero(), "group %d of %d still set after release", i, cap(b.ids.groups))
		}
	}
}

// TestReusedBatchTranslatesAsFresh: a batch from the pool, with what an
// earlier call left (views and own identities not cleared, records and
// groups cleared by release), translates exactly as fresh scratch space does, batch after
// random batch.
func TestReusedBatchTranslatesAsFresh(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	pick := func() []spanview.Span { return variedBatch(t, rng) }
	translated := func(spans []spanview.Span) []string {
		evs, errs := newTranslator(t).Translate(spans)
		return append(eventJSON(t, evs), fmt.Sprint(errs))
	}
	for round := range 40 {
		spans := pick()
		runtime.GC()
		runtime.GC() // the pool drops its batches: the translation gets a new one
		want := translated(spans)
		translated(pick()) // leaves its batch in the pool
		require.Equalf(t, want, translated(spans), "round %d: a reused batch translates otherwise", round)
	}
}

// variedBatch is a random batch: of randomBatch's synthetic spans, or of
// benchSpecs' agent runs, shuffled, cut, and with some attributes of some
// spans left out, so that ids, agents and kinds vary from slot to slot.
func variedBatch(t *testing.T, rng *rand.Rand) []spanview.Span {
	if rng.IntN(3) == 0 {
		return randomBatch(rng, 1+rng.IntN(60))
	}
	res := []attribute.KeyValue{attribute.String("service.name", "varied")}
	spans := spanview.FromReadOnlySpans(recordSpans(t, res, benchSpecs(1+rng.IntN(12))...))
	rng.Shuffle(len(spans), func(i, j int) { spans[i], spans[j] = spans[j], spans[i] })
	spans = spans[:1+rng.IntN(len(spans))]
	for i := range spans {
		if rng.IntN(2) == 0 {
			p := spanview.Parts(&spans[i])
			p.Attributes = slices.DeleteFunc(slices.Clone(p.Attributes), func(attribute.KeyValue) bool { return rng.IntN(4) == 0 })
		}
	}
	return spans
}

// TestResolveOverAnyIdentity: resolve stores only the own id fields that
// change *id; over an identity already set it resolves as over a zero one.
func TestResolveOverAnyIdentity(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(13, 14))
	now := time.Now()
	for range 200 {
		spans := variedBatch(t, rng)
		ids := identitiesOf(t, tr, spans)
		for i := range spans {
			var fresh, set identity
			for f := range set {
				if rng.IntN(2) == 0 {
					set[f] = fmt.Sprint("stale-", f)
				}
			}
			fellBack, err := tr.resolve(spans, ids, i, now, &fresh)
			fellBack2, err2 := tr.resolve(spans, ids, i, now, &set)
			require.Equal(t, fresh, set, "span %d", i)
			require.Equal(t, fellBack, fellBack2)
			require.Equal(t, err, err2)
		}
	}
}
