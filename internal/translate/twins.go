package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// twinKey is what two records of one call traced twice must share: the
// model and both token counts.
type twinKey struct {
	model   string
	in, out int64
}

// mergeTwins counts once a model call that two instrumentations traced in
// two traces with no link between them (the Anthropic SDK's own span of a
// stream and OpenInference's span of the same call are each a root span).
// Neither is under the other, and they need not share a response id (one
// of them may not record it), so the evidence has to be the call itself:
//
//   - the same session (its id, or the conversation id that stands for it),
//     named on both traces, never a trace's fallback;
//   - different instrumentation scopes (one library makes two calls);
//   - overlapping times;
//   - the same model and the same non-zero input and output token counts;
//   - no texts that disagree.
//
// The two traces are then one exchange: each takes the ids the other has
// and it lacks (the user id one instrumentation records and the other does
// not), and the first record stays, with what only the other knew (texts,
// token details), while the other makes no event. A pair split across two
// batches is not found: each is sent (docs/CONVENTIONS.md says so).
func mergeTwins(spans []spanview.Span, recs []record, ids *batchIdentities, m *mergeScratch) []record {
	if len(recs) < 2 || len(ids.groups) < 2 {
		return recs
	}
	if !twoScopes(spans, recs) {
		return recs
	}
	byKey := ready(&m.twins, 0)
	defer clear(m.twins)
	m.drop = grow(m.drop, len(recs))
	drop := m.drop
	merged := false
	for i := range recs {
		r := &recs[i]
		if !twinCandidate(r) {
			continue
		}
		k := twinKey{r.u.model, r.u.in, r.u.out}
		first, seen := byKey[k]
		if !seen {
			byKey[k] = i
			continue
		}
		if !twins(spans, ids, &recs[first], r) {
			continue
		}
		kept := &recs[first]
		shareIdentity(ids, kept.span, r.span)
		absorb(kept, r)
		lendTexts(kept, r)
		drop[i], merged = true, true
	}
	if !merged {
		return recs
	}
	return keepUndropped(recs, drop)
}

// twinCandidate says whether r may be one of twins: a model call, not
// asked for nor a turn scope, with a model and tokens.
func twinCandidate(r *record) bool {
	return isModelCall(r) && !r.explicit && !r.turnScope && r.u.hasTokens && r.u.in+r.u.out != 0 && r.u.model != ""
}

// twoScopes says whether the candidates of recs come from two
// instrumentation scopes or more. Twins never share one (sideBySide), and
// the calls of a batch mostly do: then mergeTwins hashes no record into
// its map (a string hash and a look-up a call).
func twoScopes(spans []spanview.Span, recs []record) bool {
	var first string
	found := false
	for i := range recs {
		r := &recs[i]
		if !twinCandidate(r) {
			continue
		}
		name, _ := spans[r.span].Scope()
		switch {
		case !found:
			first, found = name, true
		case name != first:
			return true
		}
	}
	return false
}

// twins says whether two model-call records with the same model and
// tokens are one call traced in two unlinked traces (mergeTwins).
func twins(spans []spanview.Span, ids *batchIdentities, a, b *record) bool {
	sa, sb := &spans[a.span], &spans[b.span]
	if sa.TraceID() == sb.TraceID() {
		return false // one trace: mergeCalls's rules decide
	}
	if !sideBySide(sa, sb) {
		return false
	}
	session := sessionHint(ids, a.span)
	if session == "" || session != sessionHint(ids, b.span) {
		return false
	}
	if a.kind == b.kind && a.kind == sc.EventTurn && (a.turn.User != b.turn.User || a.turn.Assistant != b.turn.Assistant) {
		return false
	}
	return true
}

// sessionHint is the session a span's trace names in the batch: its
// session id, else its conversation id (which stands for the session when
// no session id is given, resolve).
func sessionHint(ids *batchIdentities, i int) string {
	own, g := &ids.own[i], ids.group(i)
	for _, f := range [...]int{fSession, fConversation} {
		if own[f] != "" {
			return own[f]
		}
		if g.first[f] != "" {
			return g.first[f]
		}
	}
	return ""
}

// shareIdentity gives each of two traces, known to be one exchange, the
// ids the other names and it does not.
func shareIdentity(ids *batchIdentities, i, j int) {
	gi, gj := ids.group(i), ids.group(j)
	for f := range nFields {
		switch {
		case gi.first[f] == "" && gj.first[f] != "":
			gi.first[f], gi.firstAt[f] = gj.first[f], gj.firstAt[f]
		case gj.first[f] == "" && gi.first[f] != "":
			gj.first[f], gj.firstAt[f] = gi.first[f], gi.firstAt[f]
		}
	}
}
