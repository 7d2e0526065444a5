package translate

import "github.com/mindlytics/mindlytics-otel/exporter/mindlytics"

// TranslateWithOrigins is [Translator.Translate] that also says where each
// event came from: origins[i] is the index in translated of the span whose
// record made events[i]. translated is spans, after the spans that waited
// for an ancestor of theirs in spans (held.go), if any. A session's
// start_session and a conversation's "Conversation Started" that the
// translation synthesizes have the span that opened them as their origin,
// as do the ends a span's own event triggers. It serves tools that show
// events beside their spans (the local Mindlytics's web view); exporters
// call Translate.
func (t *Translator) TranslateWithOrigins(spans []Span) (events []mindlytics.Event, translated []Span, origins []int, errs []error) {
	origins = []int{}
	events, translated, errs = t.translate(nil, spans, &origins, true, 0)
	return events, translated, origins, errs
}

// noteOrigins gives span as the origin of the events up to n that have
// none yet. origins nil means no one asked.
func noteOrigins(origins *[]int, n, span int) {
	if origins == nil {
		return
	}
	for len(*origins) < n {
		*origins = append(*origins, span)
	}
}
