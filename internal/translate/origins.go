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
	return out
}

// tracing is what TranslateWithOrigins asks translate to note.
type tracing struct {
	origins []int
	waiting []int
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
