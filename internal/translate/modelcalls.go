package translate

import (
	"slices"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// mergeCalls makes one event of each model call that several spans of the
// batch describe, so that no call is counted twice:
//
//   - Stacked instrumentations: a model-call span under another one (a
//     framework's LLM span over a client library's, two libraries on one
//     client) with the same token counts, the same gen_ai.response.id, or
//     token counts on only one of the two, is one call. The inner span,
//     closest to the wire, wins; the outer one lends its texts when the
//     inner has none, and makes no event.
//   - Two model spans with the same gen_ai.response.id, neither under the
//     other, are one call when two instrumentations recorded it side by
//     side (oneCallTwice): the first wins. Providers that reuse ids
//     (gateways, local servers, mocks) make calls that differ in trace,
//     time, scope or tokens, and each is counted.
//   - A model call under a turn span (mindlytics.event=turn, or a
//     handle_conversation_turn span) is not a turn of its own: it is the
//     turn's usage, or nothing when it has nothing to count.
//
// Records that mindlytics.event asked for are never dropped. Spans of one
// batch are compared here, a span's ancestors found through the batch's
// links (parents.go): within its trace, as span ids are; a stacked pair
// that a batch boundary splits is handled by the translator's memory of
// the calls it sent (stacked.go).
func mergeCalls(spans []spanview.Span, ids *batchIdentities, recs []record, m *mergeScratch) []record {
	if len(recs) < 2 {
		return recs
	}
	defer m.clear()
	// modelOf: each span's model-call record + 1 (the last, as a span has
	// one), 0 for none.
	m.modelOf = grow(m.modelOf, len(spans))
	modelOf, calls := m.modelOf, 0
	for i := range recs {
		if r := &recs[i]; isModelCall(r) {
			if modelOf[r.span] == 0 {
				calls++
			}
			modelOf[r.span] = int32(i) + 1
		}
	}
	if calls < 2 {
		return recs
	}
	m.drop = grow(m.drop, len(recs))
	drop := m.drop
	byResponse := ready(&m.responses, 0)
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
		j, direct := ids.parentOf(spans, r.span), true
		for range maxAncestry {
			if j < 0 {
				break
			}
			if o := int(modelOf[j]) - 1; o >= 0 && !drop[o] {
				outer := &recs[o]
				switch {
				case (outer.explicit && outer.kind == sc.EventTurn) || outer.turnScope:
					if !r.explicit && !outer.turnScope && outer.u.hasTokens && sameCall(outer, r, direct) {
						drop[i] = true // the turn says it all
					} else if !r.explicit {
						drop[i] = !asUsage(r)
					}
				case direct && !outer.explicit && madeFrom(&spans[j], &spans[r.span]):
					// Our helper's span of the call under the call's own span:
					// the helper's wins, and it lends nothing of the other's,
					// since the helper captured what the app chose.
					absorb(r, outer) // model and token details, never texts
					drop[o] = true
				case sameCall(outer, r, direct) && !outer.explicit:
					absorb(r, outer)
					lendTexts(r, outer)
					drop[o] = true
				}
				break
			}
			j, direct = ids.parent[j], false
		}
	}
	return keepUndropped(recs, drop)
}

// keepUndropped returns recs without those drop marks, in place. Records
// are large: those before the first dropped stay where they are.
func keepUndropped(recs []record, drop []bool) []record {
	first := slices.Index(drop[:len(recs)], true)
	if first < 0 {
		return recs
	}
	kept := recs[:first]
	for i := first + 1; i < len(recs); i++ {
		if !drop[i] {
			kept = append(kept, recs[i])
		}
	}
	return kept
}

// mergeScratch is mergeCalls' memory, kept with a batch's scratch space:
// maps cleared after each batch keep their room for the next.
type mergeScratch struct {
	modelOf   []int32 // by span
	responses map[string]int
	twins     map[twinKey]int // mergeTwins
	drop      []bool
}

// ready returns *m, made with room for n the first time.
func ready[K comparable, V any](m *map[K]V, n int) map[K]V {
	if *m == nil {
		*m = make(map[K]V, n)
	}
	return *m
}

// clear empties the map of response ids (strings of the batch, which a
// pooled scratch must not keep alive); modelOf holds none.
func (m *mergeScratch) clear() {
	clear(m.responses)
}

// oneCallTwice says whether two model-call spans with the same response id,
// neither under the other, are one call recorded twice: by two
// instrumentations (their scopes differ) in one trace, at the same time,
// with token counts that do not disagree. The same id alone proves
// nothing: an OpenAI-compatible gateway, a local model server or a mock
// answers many calls, in many sessions, with one id.
func oneCallTwice(sa, sb *spanview.Span, a, b *record) bool {
	if sa.TraceID() != sb.TraceID() {
		return false
	}
	if !sideBySide(sa, sb) {
		return false
	}
	pa, pb := printOf(a), printOf(b)
	return !(pa.hasTokens && pb.hasTokens) || (pa.in == pb.in && pa.out == pb.out)
}

// sideBySide says whether two spans could be one call recorded by two
// instrumentations: their scopes differ (one library makes two calls) and
// their times overlap (one did not end before the other began).
func sideBySide(sa, sb *spanview.Span) bool {
	na, _ := sa.Scope()
	nb, _ := sb.Scope()
	return na != nb && !sa.StartTime().After(sb.EndOrStart()) && !sb.StartTime().After(sa.EndOrStart())
}

func isModelCall(r *record) bool { return r.kind == sc.EventTurn || r.kind == sc.EventUsage }

// sameCall says whether two model-call records, one under the other,
// describe one call.
func sameCall(outer, inner *record, direct bool) bool {
	return samePrint(printOf(outer), printOf(inner), direct)
}

func samePrint(a, b callPrint, direct bool) bool {
	switch {
	case a.responseID != 0 && a.responseID == b.responseID:
		return true
	case a.hasTokens && b.hasTokens:
		return a.in == b.in && a.out == b.out
	default:
		return direct && (a.hasTokens || b.hasTokens) // one of a directly stacked pair counted
	}
}

// absorb fills what the inner record of one call lacks (model, token
// details) from the outer one, and rebuilds its event.
func absorb(inner, outer *record) {
	u, o := &inner.u, outer.u
	if u.model == "" {
		u.model = o.model
	}
	for _, f := range []struct{ dst, src *int64 }{{&u.cached, &o.cached}, {&u.cacheWrite, &o.cacheWrite}, {&u.reasoning, &o.reasoning}} {
		if *f.dst < 0 {
			*f.dst = *f.src
		}
	}
	switch inner.kind {
	case sc.EventUsage:
		asUsage(inner)
	case sc.EventTurn:
		inner.turn.Model = u.model
		inner.turn.Extra = withDetails(inner.turn.Extra, *u)
	}
}

// lendTexts makes dst the turn src was, when src is a turn and dst has no
// texts; dst's model and usage stay.
func lendTexts(dst, src *record) {
	if src.kind != sc.EventTurn || dst.kind == sc.EventTurn || src.turnScope {
		return
	}
	u := dst.u
	model := u.model
	if model == "" {
		model = src.turn.Model
	}
	dst.kind = sc.EventTurn
	dst.turn = mindlytics.Turn{
		User: src.turn.User, Assistant: src.turn.Assistant, AssistantID: src.turn.AssistantID, Model: model,
		PromptTokens: u.in, CompletionTokens: u.out, TokensUnknown: !u.hasTokens, Cost: u.cost, Extra: withDetails(src.turn.Extra, u),
	}
}

// asUsage turns a model call's record into its usage; false when there is
// nothing to count.
func asUsage(r *record) bool {
	u := r.u
	switch {
	case u.cost > 0:
		r.usage = mindlytics.Usage{Cost: u.cost, Extra: u.details()}
	case u.model != "" && u.hasTokens:
		r.usage = mindlytics.Usage{Model: u.model, PromptTokens: u.in, CompletionTokens: u.out, Extra: u.details()}
	default:
		return false
	}
	r.kind, r.turn = sc.EventUsage, mindlytics.Turn{}
	return true
}

// dropSourcesOfHelperTools leaves out a tool span's function when one of
// this repository's helpers made its own span of the same run directly
// under it (genkithelper makes an execute_tool span of each of Genkit's
// tool spans): the helper's carries what the app chose to capture.
func dropSourcesOfHelperTools(spans []spanview.Span, ids *batchIdentities, recs []record) []record {
	// Only a helper's span can make another one's function go: a batch
	// with none is left as it is, without the map below. Its spans are
	// linked all the same when it has two spans' functions, as the full
	// pass links them: what sentCalls remembers depends on whether they
	// were (stacked.go).
	first, several, helper := -1, false, false
	for i := range recs {
		if r := &recs[i]; r.kind == sc.EventFunction && !r.fromHistory {
			switch {
			case first < 0:
				first = r.span
			case r.span != first:
				several = true
			}
			if !helper {
				name, _ := spans[r.span].Scope()
				helper = strings.HasPrefix(name, conventions.HelperScopePrefix)
			}
		}
	}
	if !several {
		return recs
	}
	if !helper {
		ids.parentOf(spans, first)
		return recs
	}
	return dropSourcesOfHelperToolsByMap(spans, ids, recs)
}

// dropSourcesOfHelperToolsByMap is dropSourcesOfHelperTools for a batch
// with a helper's function.
func dropSourcesOfHelperToolsByMap(spans []spanview.Span, ids *batchIdentities, recs []record) []record {
	var fns map[int]int // span → its function record
	for i := range recs {
		if recs[i].kind == sc.EventFunction && !recs[i].fromHistory {
			if fns == nil {
				fns = make(map[int]int)
			}
			fns[recs[i].span] = i
		}
	}
	if len(fns) < 2 {
		return recs
	}
	var drop []bool
	for span := range fns {
		p := ids.parentOf(spans, span)
		if p < 0 {
			continue
		}
		if o, ok := fns[int(p)]; ok && madeFrom(&spans[p], &spans[span]) {
			if drop == nil {
				drop = make([]bool, len(recs))
			}
			drop[o] = true
		}
	}
	if drop == nil {
		return recs
	}
	return keepUndropped(recs, drop)
}

// madeFrom says whether inner is one of this repository's helpers' spans
// directly under another instrumentation's model-call span outer: the
// helper recorded that call (genkithelper makes its GenAI span of each of
// Genkit's model spans, as its child), whatever each counted.
func madeFrom(outer, inner *spanview.Span) bool {
	in, _ := inner.Scope()
	out, _ := outer.Scope()
	return strings.HasPrefix(in, conventions.HelperScopePrefix) && !strings.HasPrefix(out, conventions.HelperScopePrefix)
}
