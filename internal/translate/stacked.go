package translate

import (
	"hash/maphash"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Stacked spans of one call across batches. mergeCalls sees one batch,
// but a batch boundary can fall between the two spans of a stacked pair:
// usually the inner span ends first and goes out in one batch, its outer
// span in the next; some instrumentations end the outer one first. So the
// translator remembers, bounded, the model calls it sent: under their
// parent (an outer span may come, when it was not in their batch),
// and under their own span (an inner span may come). When the other span
// of the same call (sameCall, directly stacked) comes later, it sends only
// what is news (afterSent): its texts as the turn when what was sent was
// usage, its usage when what was sent counted none; or nothing. Where one
// batch counts both spans (usage that mindlytics.event asked for on the
// outer one), both count here too. Token details only the later span
// reports are lost: the event is out. A turn span around model calls
// (turnScope, handle_conversation_turn) that comes after one of them went
// out as a turn makes no second turn: what was sent under a span climbs to
// its parent as the spans between come (climb). An app's own turn span
// (mindlytics.event=turn) is never dropped: only mindlytics.in_turn,
// stamped when the calls start, keeps its calls from being turns of their
// own. Not kept across a collector restart.

// maxStackedCalls bounds each memory of sent calls (recentMap: the last
// 5,000 to 10,000).
const maxStackedCalls = 10_000

// callPrint is what tells the spans of one model call from two calls
// (samePrint), and how the call was sent.
// Its flags come last, together: 40 bytes, not 48, and the entries of the
// memories of sent calls (with their 24-byte keys) take a ninth less
// memory to walk through.
type callPrint struct {
	responseID uint64 // a hash of gen_ai.response.id, 0 when none: no pointer for the GC to follow
	in, out    int64
	cost       float64
	hasTokens  bool
	turn       bool // sent as a turn, not as usage
	explicit   bool // mindlytics.event asked for it
}

// counted says whether the event sent counted usage.
func (p callPrint) counted() bool { return p.hasTokens || p.cost > 0 }

func printOf(r *record) callPrint {
	return callPrint{responseID: hashID(r.u.responseID), hasTokens: r.u.hasTokens, in: r.u.in, out: r.u.out,
		cost: r.u.cost, turn: r.kind == sc.EventTurn, explicit: r.explicit}
}

// sentCalls is the translator's memory of sent model calls.
type sentCalls struct {
	underParent recentMap[spanKey, callPrint] // a call sent, by its parent span
	bySpan      recentMap[spanKey, callPrint] // a call sent, by its own span
	// turnBelow are spans still to come below which a call went out as a
	// turn, at any depth; awaiting are their traces, so that a batch looks
	// for them only among the spans of those traces.
	turnBelow recentMap[spanKey, struct{}]
	awaiting  recentMap[trace.TraceID, struct{}]
}

// note remembers a model call that was sent. Callers hold t.mu.
func (m *sentCalls) note(spans []spanview.Span, ids *batchIdentities, r *record) {
	if !isModelCall(r) || r.turnScope {
		return
	}
	if m.bySpan.max == 0 {
		m.underParent = newRecentMap[spanKey, callPrint](maxStackedCalls, spanKey.hash)
		m.bySpan = newRecentMap[spanKey, callPrint](maxStackedCalls, spanKey.hash)
		m.turnBelow = newRecentMap[spanKey, struct{}](maxStackedCalls, spanKey.hash)
		m.awaiting = newRecentMap[trace.TraceID, struct{}](maxStackedCalls, traceHash)
	}
	s := &spans[r.span]
	p := printOf(r)
	m.bySpan.put(spanKey{s.TraceID(), s.SpanID()}, p)
	if !s.ParentSpanID().IsValid() {
		return
	}
	// A parent in the batch came and will not come again: it needs no
	// entry (a pair delivered twice, in two batches, then counts twice, as
	// any span delivered twice does). Whether it was is known when the
	// batch's spans are linked (byIDBuilt), and not looked up otherwise (a
	// map of the batch's spans): then its entry only takes a place in the
	// bounded memory.
	if !ids.byIDBuilt || ids.parent[r.span] < 0 {
		m.underParent.put(spanKey{s.TraceID(), s.ParentSpanID()}, p)
	}
	if r.kind == sc.EventTurn {
		m.turnWentOut(spans, ids, r.span)
	}
}

// turnWentOut notes that span i, or a span below it, went out as a turn:
// every ancestor of it still to come learns it (climb carries it further
// as they come).
func (m *sentCalls) turnWentOut(spans []spanview.Span, ids *batchIdentities, i int) {
	if !ids.byIDBuilt {
		ids.linkParents(spans)
	}
	for range maxAncestry {
		p := ids.parent[i]
		if p < 0 {
			break
		}
		i = int(p) // an ancestor in the batch: it came, and mergeCalls saw it
	}
	if s := &spans[i]; s.ParentSpanID().IsValid() && !s.ParentIsRemote() {
		m.turnBelow.put(spanKey{s.TraceID(), s.ParentSpanID()}, struct{}{})
		m.awaiting.put(s.TraceID(), struct{}{})
	}
}

// climb carries what earlier batches learnt (a turn went out below a span
// still to come) from the spans of this batch up to theirs, so that a
// turn span above the calls (turnScope) knows of them however many spans
// lie between. Callers hold t.mu.
func (m *sentCalls) climb(spans []spanview.Span, ids *batchIdentities) {
	if m.awaiting.max == 0 || m.awaiting.empty() {
		return
	}
	for i := range spans {
		s := &spans[i]
		if _, ok := m.awaiting.get(s.TraceID()); !ok {
			continue
		}
		if _, ok := m.turnBelow.get(spanKey{s.TraceID(), s.SpanID()}); ok {
			// Its ancestors in the batch learn it too, and the first one
			// still to come.
			for j := i; ; {
				if !ids.byIDBuilt {
					ids.linkParents(spans)
				}
				p := ids.parent[j]
				if p < 0 {
					m.turnWentOut(spans, ids, j)
					break
				}
				j = int(p)
				m.turnBelow.put(spanKey{spans[j].TraceID(), spans[j].SpanID()}, struct{}{})
			}
		}
	}
}

// keep decides for a model call whose other span may have been sent in an
// earlier batch: false when it makes no event; it may have lost its usage.
// Callers hold t.mu.
func (m *sentCalls) keep(spans []spanview.Span, ids *batchIdentities, r *record) bool {
	if !isModelCall(r) || m.bySpan.max == 0 {
		return true
	}
	s := &spans[r.span]
	if r.turnScope {
		// A turn span around model calls: when one of them went out as a
		// turn in an earlier batch, that was the turn.
		_, below := m.turnBelow.get(spanKey{s.TraceID(), s.SpanID()})
		return !below
	}
	// r is the outer span of a call whose inner span was sent. (Its print
	// is taken only for a call found: most are not.)
	if k := (spanKey{s.TraceID(), s.SpanID()}); true {
		if inner, ok := m.underParent.get(k); ok && samePrint(printOf(r), inner, true) {
			m.underParent.delete(k)
			if r.explicit && r.kind == sc.EventUsage {
				return true // never merged, in one batch either
			}
			return afterSent(r, inner)
		}
	}
	// r is the inner span of a call whose outer span was sent: not when
	// the outer span is in this batch (when linked, as in note).
	if !s.ParentSpanID().IsValid() || ids.byIDBuilt && ids.parent[r.span] >= 0 {
		return true
	}
	k := spanKey{s.TraceID(), s.ParentSpanID()}
	outer, ok := m.bySpan.get(k)
	if !ok || !samePrint(outer, printOf(r), true) {
		return true
	}
	m.bySpan.delete(k)
	if outer.explicit { // as mergeCalls treats a call under one it was asked for
		switch {
		case !outer.turn || r.explicit:
			return true
		case outer.hasTokens:
			return false // the turn says it all
		default:
			return asUsage(r)
		}
	}
	return afterSent(r, outer)
}

// afterSent keeps of r, the second span of a call whose first span went
// out as sent, only the news: its texts when sent had none (or
// mindlytics.event asks for r's turn), its usage when sent counted none.
func afterSent(r *record, sent callPrint) bool {
	texts := r.kind == sc.EventTurn && (!sent.turn || r.explicit)
	usage := !sent.counted() && (r.u.hasTokens || r.u.cost > 0)
	switch {
	case texts && !usage:
		withoutUsage(r)
		return true
	case texts:
		return true
	case usage:
		return r.kind == sc.EventUsage || asUsage(r)
	}
	return false // counted and told already
}

// withoutUsage keeps a turn's texts and model and takes out what the
// other span's event already counted: no counts at all (TokensUnknown),
// not zero ones, which the service would take for a free call.
func withoutUsage(r *record) {
	r.turn.PromptTokens, r.turn.CompletionTokens, r.turn.Cost = 0, 0, 0
	r.turn.TokensUnknown = true
	if len(r.turn.Extra) == 0 {
		return
	}
	extra := make(map[string]any, len(r.turn.Extra))
	for k, v := range r.turn.Extra {
		extra[k] = v
	}
	for k, v := range r.u.details() {
		if extra[k] == v {
			delete(extra, k)
		}
	}
	r.turn.Extra = extra
}

// hashID is a hash of id, 0 for none. Two calls are compared only when
// they are stacked (parent and child), where a collision is all but
// impossible; the memory is the process's own, so a per-process seed does.
func hashID(id string) uint64 {
	if id == "" {
		return 0
	}
	return maphash.String(idSeed, id) | 1
}

var idSeed = maphash.MakeSeed()
