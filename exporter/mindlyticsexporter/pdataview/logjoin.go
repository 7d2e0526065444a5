package pdataview

import (
	"container/list"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Bounds of the join of GenAI log records to their spans.
const (
	// logJoinWindow is how long content from log records waits for its
	// span, how long a span is remembered for content still to come, and
	// how long a model call waits in the hold for its content (hold.go).
	// SDKs export logs and spans on timers of a few seconds each.
	logJoinWindow = 30 * time.Second
	// maxWaitingContent and maxSeenSpans bound the memory of the join;
	// past them the oldest entry goes first (waiting content is then
	// translated on its own, as if its span were never to come).
	maxWaitingContent = 10_000
	maxSeenSpans      = 100_000
)

// logJoin joins what instrumentations put in log records (message content,
// by trace and span id) to the span the record belongs to, whichever
// arrives first, so that one model call makes one event with both its
// texts and its usage:
//
//   - Content that arrives first waits (bounded, for logJoinWindow) and is
//     added to its span when the span comes: the span's own attributes
//     win, the records' messages and events are added.
//   - A model call whose content is expected but has not come waits for it
//     in the hold (hold.go), so that content joins it there as if it had
//     come first.
//   - Content that arrives after its span was translated (the span did not
//     wait, or waited the whole window) goes through as a span of its own
//     under it, without token counts (the span counted them), timed at the
//     span's end so that the session's events stay in order; unless the
//     span made a turn already (a stacked instrumentation lent it texts),
//     whose texts it would only repeat.
//   - Content whose span never comes is translated on its own after the
//     window.
//
// It is used under the core's lock.
type logJoin struct {
	now     func() time.Time
	waiting map[chatKey]*list.Element // of *waitingContent
	order   list.List                 // of *waitingContent, oldest first
	seen    map[chatKey]seenSpan
	seenLRU list.List // of chatKey, oldest first

	// spansOnly says no log records come (no logs pipeline): spans are then
	// neither remembered nor joined, as nothing would ever read them.
	spansOnly bool
}

// seenSpan is a span translated recently: when it ended, and when it came.
type seenSpan struct {
	end pcommon.Timestamp
	at  time.Time
}

type waitingContent struct {
	key     chatKey
	content ptrace.Traces // one resource, one scope, one span
	arrived time.Time
}

func newLogJoin(now func() time.Time) *logJoin {
	return &logJoin{now: now, waiting: make(map[chatKey]*list.Element), seen: make(map[chatKey]seenSpan)}
}

// joinSpans adds waiting content to the spans of td it belongs to and
// remembers td's spans for content still to come. It returns td, or a copy
// of it when content was added (the pipeline's data is not ours to change),
// and whether it copied.
func (j *logJoin) joinSpans(td ptrace.Traces) (ptrace.Traces, bool) {
	if j.spansOnly && len(j.waiting) == 0 {
		return td, false
	}
	copied, now := false, j.now()
	for ri, rs := range td.ResourceSpans().All() {
		for si, ss := range rs.ScopeSpans().All() {
			for k, sp := range ss.Spans().All() {
				key := chatKey{sp.TraceID(), sp.SpanID()}
				j.remember(key, sp.EndTimestamp(), now)
				el, ok := j.waiting[key]
				if !ok {
					continue
				}
				if !copied {
					cp := ptrace.NewTraces()
					td.CopyTo(cp)
					td, copied = cp, true
				}
				target := td.ResourceSpans().At(ri).ScopeSpans().At(si).Spans().At(k)
				w := j.take(el)
				mergeContent(target, w.content.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0))
			}
		}
	}
	return td, copied
}

// joinContent sorts the spans made of log records: those whose span was
// seen go on now, timed at its end, unless that span made a turn already
// (madeTurn; its texts are in it); those whose span is still to come wait.
// It returns what goes on.
func (j *logJoin) joinContent(derived ptrace.Traces, madeTurn func(chatKey) bool) ptrace.Traces {
	now := j.now()
	derived.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(sp ptrace.Span) bool {
				key := chatKey{sp.TraceID(), sp.ParentSpanID()}
				if key.span.IsEmpty() {
					return false // a record outside any span: nothing to join
				}
				if seen, ok := j.seen[key]; ok {
					if madeTurn(key) {
						return true
					}
					end := seen.end
					if end > sp.StartTimestamp() {
						sp.SetStartTimestamp(end)
					}
					if end > sp.EndTimestamp() {
						sp.SetEndTimestamp(end)
					}
					return false
				}
				j.wait(key, rs, ss, sp, now)
				return true
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return derived
}

// due returns the content that waited past the window (all of it when
// all is true), to be translated on its own.
func (j *logJoin) due(all bool) ptrace.Traces {
	out := ptrace.NewTraces()
	limit := j.now().Add(-logJoinWindow)
	for el := j.order.Front(); el != nil; {
		next := el.Next()
		w := el.Value.(*waitingContent)
		if !all && w.arrived.After(limit) {
			break
		}
		j.take(el).content.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
		el = next
	}
	for j.seenLRU.Len() > 0 && !all { // forget spans past the window
		front := j.seenLRU.Front()
		key := front.Value.(chatKey)
		if j.seen[key].at.After(limit) {
			break
		}
		delete(j.seen, key)
		j.seenLRU.Remove(front)
	}
	return out
}

func (j *logJoin) remember(key chatKey, end pcommon.Timestamp, now time.Time) {
	if key.span.IsEmpty() {
		return
	}
	if _, ok := j.seen[key]; !ok {
		if len(j.seen) >= maxSeenSpans {
			old := j.seenLRU.Remove(j.seenLRU.Front()).(chatKey)
			delete(j.seen, old)
		}
		j.seenLRU.PushBack(key)
	}
	j.seen[key] = seenSpan{end: end, at: now}
}

func (j *logJoin) wait(key chatKey, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, sp ptrace.Span, now time.Time) {
	if el, ok := j.waiting[key]; ok { // more content for the same span
		mergeContent(el.Value.(*waitingContent).content.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0), sp)
		return
	}
	if j.order.Len() >= maxWaitingContent {
		j.take(j.order.Front()) // dropped from the join: it still counts nothing twice
	}
	content := ptrace.NewTraces()
	crs := content.ResourceSpans().AppendEmpty()
	rs.Resource().CopyTo(crs.Resource())
	css := crs.ScopeSpans().AppendEmpty()
	ss.Scope().CopyTo(css.Scope())
	sp.CopyTo(css.Spans().AppendEmpty())
	j.waiting[key] = j.order.PushBack(&waitingContent{key: key, content: content, arrived: now})
}

func (j *logJoin) take(el *list.Element) *waitingContent {
	w := j.order.Remove(el).(*waitingContent)
	delete(j.waiting, w.key)
	return w
}

// mergeContent adds a content span's attributes (where dst lacks them, or
// has an empty value: a streamed call's placeholder output gives way to the
// real one) and events to dst.
func mergeContent(dst, content ptrace.Span) {
	attrs := dst.Attributes()
	for k, v := range content.Attributes().All() {
		if old, ok := attrs.Get(k); !ok || (isEmptyValue(old) && !isEmptyValue(v)) {
			v.CopyTo(attrs.PutEmpty(k))
		}
	}
	for _, ev := range content.Events().All() {
		ev.CopyTo(dst.Events().AppendEmpty())
	}
}
