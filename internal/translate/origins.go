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
	tr := &tracing{origins: []int{}, why: map[int]string{}}
	var out Traced
	var events []compact.Event
	events, out.Spans, out.Errs = t.translate(nil, spans, tr, true, 0)
	out.Events = expanded(events)
	out.Origins, out.Waiting = tr.origins, tr.waiting
	for _, i := range tr.origins {
		delete(tr.why, i) // a span's evaluation may be its event
	}
	for _, i := range tr.waiting {
		delete(tr.why, i)
	}
	out.NoEvent = tr.why
	return out
}

// tracing is what TranslateWithOrigins asks translate to note.
type tracing struct {
	origins []int
	waiting []int
	why     map[int]string // span index → why it made no event
	records []int          // spans that gave a record, before mergeCalls
}

// The reasons of [Traced].NoEvent.
const (
	whyNotOurs      = "not a span that makes an event (HTTP, database, retrieval or other work)"
	whyWrapper      = "a wrapper (an agent or workflow around other spans): its children make the events and carry the usage"
	whyNoContent    = "no content to make an event from: no readable messages, and no usage to count (tokens with a model, or a cost)"
	whyMerged       = "the same model call as another span of the batch (stacked instrumentations, or a turn span that already counts it): that span made the event"
	whySentEarlier  = "the same model call as a span of an earlier request, which made the event"
	whyNothingToAdd = "read, but it adds nothing: what it says was already sent"
)

// noteExtracted notes a span extract gave no record, with why, and one it
// gave a record. tr nil means no one asked.
func (tr *tracing) noteExtracted(i int, ok bool, err error, view *attrView) {
	switch {
	case tr == nil || err != nil: // errors are reported as SpanErrors
	case ok:
		tr.records = append(tr.records, i)
	default:
		switch classify(view) {
		case classNone:
			tr.why[i] = whyNotOurs
		case classWrapper:
			tr.why[i] = whyWrapper
		default:
			tr.why[i] = whyNoContent
		}
	}
}

// noteMerged notes the spans whose record mergeCalls folded into another's.
func (tr *tracing) noteMerged(recs []record) {
	if tr == nil {
		return
	}
	kept := make(map[int]bool, len(recs))
	for i := range recs {
		kept[recs[i].span] = true
	}
	for _, i := range tr.records {
		if !kept[i] {
			tr.why[i] = whyMerged
		} else if _, noted := tr.why[i]; !noted {
			tr.why[i] = whyNothingToAdd // until it is an origin
		}
	}
}

// noteWhy notes why span made no event. tr nil means no one asked.
func (tr *tracing) noteWhy(span int, why string) {
	if tr != nil {
		tr.why[span] = why
	}
}

// noteWaiting notes the spans of held groups. tr nil means no one asked.
func (tr *tracing) noteWaiting(spans []spanview.Span, ids *batchIdentities) {
	if tr == nil {
		return
	}
	for i := range spans {
		if ids.group(i).held {
			tr.waiting = append(tr.waiting, i)
		}
	}
}

// noteOrigins gives span as the origin of the events up to n that have
// none yet. tr nil means no one asked.
func (tr *tracing) noteOrigins(n, span int) {
	if tr == nil {
		return
	}
	for len(tr.origins) < n {
		tr.origins = append(tr.origins, span)
	}
}
