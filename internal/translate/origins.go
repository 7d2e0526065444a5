package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Traced is a translation with where each event came from
// ([Translator.TranslateWithOrigins]).
type Traced struct {
	Events []mindlytics.Event
	// Spans are the spans translated: those that waited for an ancestor in
	// the batch (held.go) first, then the batch.
	Spans []spanview.Span
	// Origins[i] is the index in Spans of the span whose record made
	// Events[i].
	Origins []int
	// Waiting are the indexes in Spans of the spans that now wait for an
	// ancestor: they made no event yet.
	Waiting []int
	// NoEvent says, by index in Spans, why a span that is neither an
	// origin, waiting nor in Errs made no event: not a kind that makes one,
	// no content to make it from, or the same call as another span's event.
	NoEvent map[int]string
	Errs    []error
}

// TranslateWithOrigins is [Translator.Translate] that also says where each
// event came from. A session's start_session and a conversation's
// "Conversation Started" that the translation synthesizes have the span
// that opened them as their origin, as do the ends a span's own event
// triggers. It serves tools that show events beside their spans (the local
// Mindlytics's web view); exporters call Translate.
func (t *Translator) TranslateWithOrigins(spans []spanview.Span) Traced {
	tr := &tracing{origins: []int{}}
	var out Traced
	var events []compact.Event
	events, out.Spans, out.Errs = t.translate(nil, spans, tr, true, 0)
	out.Events = expanded(events)
	out.Origins, out.Waiting = tr.origins, tr.waiting
	out.NoEvent = map[int]string{}
	for i, o := range tr.outcomes {
		if r, ok := o.reason(); ok {
			out.NoEvent[i] = r.Text()
		}
	}
	return out
}

// NoEventReason says why a span made no event (and is neither waiting for
// an ancestor nor refused with an error).
type NoEventReason uint8

// The reasons a span makes no event.
const (
	NoEventNotOurs      NoEventReason = iota // not a kind that makes one
	NoEventWrapper                           // an agent or workflow around the spans that make them
	NoEventNoContent                         // nothing to make it from
	NoEventSameCall                          // the same model call as another span of the batch
	NoEventSentEarlier                       // the same model call as a span of an earlier batch
	NoEventNothingToAdd                      // read, but what it says was already sent
	numNoEventReasons
)

// Label is the reason as a metric attribute's value.
func (r NoEventReason) Label() string {
	return [...]string{"not_genai", "wrapper", "no_content", "same_call", "sent_earlier", "nothing_to_add"}[r]
}

// Text is the reason as a sentence, for a person looking at the span.
func (r NoEventReason) Text() string {
	return [...]string{
		"not a span that makes an event (HTTP, database, retrieval or other work)",
		"a wrapper (an agent or workflow around other spans): its children make the events and carry the usage",
		"no content to make an event from: no readable messages, and no usage to count (tokens with a model, or a cost)",
		"the same model call as another span of the batch (stacked instrumentations, or a turn span that already counts it): that span made the event",
		"the same model call as a span of an earlier request, which made the event",
		"read, but it adds nothing: what it says was already sent",
	}[r]
}

// NoEventCounts counts spans that made no event, by [NoEventReason].
type NoEventCounts [numNoEventReasons]int64

// TakeNoEventCounts returns the spans that made no event since the last
// call, by reason, and starts counting again. A span is counted once, when
// its translation is final: one waiting for an ancestor is counted when it
// is translated at last, and one refused with an error is not counted (the
// error reports it).
func (t *Translator) TakeNoEventCounts() NoEventCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.noEvents
	t.noEvents = NoEventCounts{}
	return c
}

// tracing is what translate notes of each span's outcome: always, to count
// the spans that made no event; with origins (TranslateWithOrigins), also
// which span made each event and which wait.
type tracing struct {
	outcomes []outcome // by span index
	records  []int     // spans that gave a record, before mergeCalls
	kept     []bool    // scratch of noteMerged, by span index

	origins []int // nil unless asked
	waiting []int
	events  int // the events that have an origin
}

// outcome is what became of a span in one translation: nothing noted yet,
// an event, a wait, an error, or a reason it made no event (the reason
// plus outcomeReasons).
type outcome uint8

const (
	outcomeUnnoted outcome = iota
	outcomeEvent
	outcomeWaiting
	outcomeError
	outcomeReasons
)

func noEvent(r NoEventReason) outcome { return outcomeReasons + outcome(r) }

func (o outcome) reason() (NoEventReason, bool) {
	return NoEventReason(o - outcomeReasons), o >= outcomeReasons
}

// start readies tr for a translation of n spans appending to events
// already made.
func (tr *tracing) start(n, made int) {
	tr.outcomes = grow(tr.outcomes, n)
	tr.records = tr.records[:0]
	tr.events = made
}

// count adds the spans whose outcome is a reason to c.
func (tr *tracing) count(c *NoEventCounts) {
	for _, o := range tr.outcomes {
		if r, ok := o.reason(); ok {
			c[r]++
		}
	}
}

// noteExtracted notes a span extract gave no record, with why, and one it
// gave a record. c is the class extract found, classUnread when it did
// not classify the span.
func (tr *tracing) noteExtracted(i int, c class, ok bool, err error, view *attrView) {
	switch {
	case err != nil:
		tr.outcomes[i] = outcomeError // reported as a SpanError
	case ok:
		tr.records = append(tr.records, i)
	default:
		if c == classUnread {
			c = classify(view)
		}
		switch c {
		case classNone:
			tr.outcomes[i] = noEvent(NoEventNotOurs)
		case classWrapper:
			tr.outcomes[i] = noEvent(NoEventWrapper)
		default:
			tr.outcomes[i] = noEvent(NoEventNoContent)
		}
	}
}

// noteMerged notes the spans whose record mergeCalls folded into another's.
func (tr *tracing) noteMerged(recs []record) {
	tr.kept = grow(tr.kept, len(tr.outcomes))
	for i := range recs {
		tr.kept[recs[i].span] = true
	}
	for _, i := range tr.records {
		if !tr.kept[i] {
			tr.outcomes[i] = noEvent(NoEventSameCall)
		} else if tr.outcomes[i] == outcomeUnnoted {
			tr.outcomes[i] = noEvent(NoEventNothingToAdd) // until it is an origin
		}
	}
}

// noteWhy notes why span made no event.
func (tr *tracing) noteWhy(span int, why NoEventReason) {
	tr.outcomes[span] = noEvent(why)
}

// noteError notes a span refused with an error (reported as a SpanError).
func (tr *tracing) noteError(span int) {
	tr.outcomes[span] = outcomeError
}

// noteWaiting notes the spans of held groups.
func (tr *tracing) noteWaiting(spans []spanview.Span, ids *batchIdentities) {
	for i := range spans {
		if ids.group(i).held {
			tr.outcomes[i] = outcomeWaiting
			if tr.origins != nil {
				tr.waiting = append(tr.waiting, i)
			}
		}
	}
}

// noteOrigins gives span as the origin of the events up to n that have
// none yet (a span's evaluation may be its event).
func (tr *tracing) noteOrigins(n, span int) {
	if n <= tr.events {
		return // its record made no event
	}
	tr.outcomes[span] = outcomeEvent
	for tr.origins != nil && len(tr.origins) < n {
		tr.origins = append(tr.origins, span)
	}
	tr.events = n
}
