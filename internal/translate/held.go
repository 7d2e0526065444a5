package translate

import (
	"bytes"
	"slices"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// Waiting for ancestors. Children end, and are exported, before their
// parents: a batch may hold a model call whose session id is only on an
// ancestor that is still running (an agent's root span, the app's request
// span), so that neither the batch nor the trace cache knows the session.
// Rather than put such a call in the fallback session, the translator
// keeps the spans of that trace (when some of them make events and one
// has a parent of this process that is not in the batch) for up to
// AncestorWait, and translates them with the next batch that brings a span
// of the trace, as if they had come in it. After AncestorWait (Expire), or
// at EndAll, they are translated as they are, with the fallback. A parent
// of another process (the span's parent is remote) never comes here: its
// children do not wait. Held spans are copies; they are not kept across a
// collector restart.

// maxHeldSpans bounds the spans waiting for an ancestor; a trace that would
// pass it is translated at once.
const maxHeldSpans = 10_000

// heldTrace is the spans of one trace waiting for an ancestor.
type heldTrace struct {
	spans []spanview.Span // detached copies, in the order they came
	since time.Time
}

// takeHeld removes and returns the held spans of the traces of spans, and
// since when each of those traces waits: if it waits on, its wait goes on
// from then, not from now.
func (t *Translator) takeHeld(spans []spanview.Span) ([]spanview.Span, map[trace.TraceID]time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.held) == 0 {
		return nil, nil
	}
	var out []spanview.Span
	var since map[trace.TraceID]time.Time
	for i := range spans {
		if h, ok := t.held[spans[i].TraceID()]; ok {
			out = append(out, h.spans...)
			t.nHeld -= len(h.spans)
			if since == nil {
				since = make(map[trace.TraceID]time.Time)
			}
			since[spans[i].TraceID()] = h.since
			delete(t.held, spans[i].TraceID())
		}
	}
	t.shrinkHeld()
	return out, since
}

// shrinkHeld lets an empty map of held traces go, so that a burst does not
// keep its size. Callers hold t.mu.
func (t *Translator) shrinkHeld() {
	if len(t.held) == 0 {
		t.held = nil
	}
}

// dueHeld removes and returns the held spans that waited AncestorWait as of
// now, or all of them.
func (t *Translator) dueHeld(now time.Time, all bool) []spanview.Span {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []spanview.Span
	for id, h := range t.held {
		if all || now.Sub(h.since) >= t.settings.Identity.AncestorWait {
			out = append(out, h.spans...)
			t.nHeld -= len(h.spans)
			delete(t.held, id)
		}
	}
	t.shrinkHeld()
	// By end (or start) time, whatever the map's order: spans of one time
	// by trace, those of one trace in the order they came.
	slices.SortStableFunc(out, func(a, b spanview.Span) int {
		if c := a.EndOrStart().Compare(b.EndOrStart()); c != 0 {
			return c
		}
		at, bt := a.TraceID(), b.TraceID()
		return bytes.Compare(at[:], bt[:])
	})
	return out
}

// hold keeps the spans of each trace of the batch that waits for an
// ancestor (see above) and marks its group held; a trace that waited
// before (since) waits on from then. Callers hold t.mu.
func (t *Translator) hold(spans []spanview.Span, recs []record, ids *batchIdentities, now time.Time, since map[trace.TraceID]time.Time) {
	if t.settings.Identity.AncestorWait <= 0 {
		return
	}
	candidate := false
	for i := range recs {
		if g := ids.group(recs[i].span); g.first[fSession] == "" {
			g.events, candidate = true, true
		}
	}
	if !candidate {
		return
	}
	if !ids.byIDBuilt {
		ids.linkParents(spans)
	}
	for i := range spans {
		s := &spans[i]
		g := ids.group(i)
		if !g.events {
			continue
		}
		if s.ParentSpanID().IsValid() && !s.ParentIsRemote() && ids.parent[i] < 0 {
			g.orphan = true
		}
		if ids.resourceField(t, s, fSession) != "" {
			g.resourceSession = true
		}
	}
	for i := range spans {
		s := &spans[i]
		g := ids.group(i)
		if !g.events || !g.orphan || g.resourceSession {
			continue
		}
		if !g.decided {
			g.decided = true
			g.held = t.cachedIdentity(g, s.TraceID(), now)[fSession] == "" && t.nHeld+g.n <= maxHeldSpans
		}
		if !g.held {
			continue
		}
		if t.held == nil {
			t.held = make(map[trace.TraceID]*heldTrace)
		}
		h := t.held[s.TraceID()]
		if h == nil {
			h = &heldTrace{since: now}
			if at, ok := since[s.TraceID()]; ok {
				h.since = at
			}
			t.held[s.TraceID()] = h
		}
		h.spans = append(h.spans, s.Detached())
		t.nHeld++
	}
}
