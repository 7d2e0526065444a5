package translate

import (
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
type callPrint struct {
	responseID uint64 // a hash of gen_ai.response.id, 0 when none: no pointer for the GC to follow
	hasTokens  bool
	in, out    int64
	cost       float64
	turn       bool // sent as a turn, not as usage
	explicit   bool // mindlytics.event asked for it
	// anyTurn: a turn was sent under this span, by this call or (under a
	// parent key) a call below it; propagated: the entry came up from a
	// descendant, so it is no direct child for sameCall.
	anyTurn, propagated bool
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
}

// note remembers a model call that was sent. Callers hold t.mu.
func (m *sentCalls) note(spans []Span, r *record) {
	if !isModelCall(r) || r.turnScope {
		return
	}
	if m.bySpan.max == 0 {
		m.underParent = newRecentMap[spanKey, callPrint](maxStackedCalls)
		m.bySpan = newRecentMap[spanKey, callPrint](maxStackedCalls)
	}
	s := &spans[r.span]
	p := printOf(r)
	m.bySpan.put(spanKey{s.traceID, s.spanID}, p)
	if s.parentID.IsValid() {
		// Whether the parent was in the batch is not looked up (a map of
		// the batch's spans): a parent that was will not come again, and
		// its entry only takes a place in the bounded memory.
		m.putUnder(spanKey{s.traceID, s.parentID}, p)
	}
}

// putUnder remembers p under a parent, keeping whether a turn was sent
// under it.
func (m *sentCalls) putUnder(k spanKey, p callPrint) {
	p.anyTurn = p.anyTurn || p.turn
	if old, ok := m.underParent.get(k); ok {
		p.anyTurn = p.anyTurn || old.anyTurn
	}
	m.underParent.put(k, p)
}

// climb passes what was sent under a span of the batch up to its parent,
// so that a turn span above the calls (turnScope) knows of them however
// many spans lie between. Callers hold t.mu.
func (m *sentCalls) climb(spans []Span) {
	if m.underParent.max == 0 {
		return
	}
	for i := range spans {
		s := &spans[i]
		if !s.parentID.IsValid() {
			continue
		}
		if p, ok := m.underParent.get(spanKey{s.traceID, s.spanID}); ok && p.anyTurn {
			p.propagated = true
			m.putUnder(spanKey{s.traceID, s.parentID}, p)
		}
	}
}

// keep decides for a model call whose other span may have been sent in an
// earlier batch: false when it makes no event; it may have lost its usage.
// Callers hold t.mu.
func (m *sentCalls) keep(spans []Span, r *record) bool {
	if !isModelCall(r) || m.bySpan.max == 0 {
		return true
	}
	s := &spans[r.span]
	if r.turnScope {
		// A turn span around model calls: when one of them went out as a
		// turn in an earlier batch, that was the turn.
		p, ok := m.underParent.get(spanKey{s.traceID, s.spanID})
		return !ok || !p.anyTurn
	}
	me := printOf(r)
	// r is the outer span of a call whose inner span was sent.
	if k := (spanKey{s.traceID, s.spanID}); true {
		if inner, ok := m.underParent.get(k); ok && !inner.propagated && samePrint(me, inner, true) {
			m.underParent.delete(k)
			if r.explicit && r.kind == sc.EventUsage {
				return true // never merged, in one batch either
			}
			return afterSent(r, inner)
		}
	}
	// r is the inner span of a call whose outer span was sent.
	if !s.parentID.IsValid() {
		return true
	}
	k := spanKey{s.traceID, s.parentID}
	outer, ok := m.bySpan.get(k)
	if !ok || !samePrint(outer, me, true) {
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
// other span's event already counted.
func withoutUsage(r *record) {
	r.turn.PromptTokens, r.turn.CompletionTokens, r.turn.Cost = 0, 0, 0
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

// hashID is FNV-1a of id, 0 for none. Two calls are compared only when
// they are stacked (parent and child), where a collision is all but
// impossible.
func hashID(id string) uint64 {
	if id == "" {
		return 0
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h | 1
}
