package translate

import "github.com/mindlytics/mindlytics-otel/exporter/mindlytics"

// TranslateWithOrigins is [Translator.Translate] that also says where each
// event came from: origins[i] is the index in spans of the span whose
// record made events[i]. A session's start_session and a conversation's
// "Conversation Started" that the translation synthesizes have the span
// that opened them as their origin, as do the ends a span's own event
// triggers. It serves tools that show events beside their spans (the local
// Mindlytics's web view); exporters call Translate.
func (t *Translator) TranslateWithOrigins(spans []Span) (events []mindlytics.Event, origins []int, errs []error) {
	origins = []int{}
	events, errs = t.translate(nil, spans, &origins)
	return events, origins, errs
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
