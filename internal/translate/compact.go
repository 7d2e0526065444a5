package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// AppendTranslation's turn, usage and function events are compact
// (internal/compact): their properties stay typed until the front door
// encodes them, which costs a fifth of a Properties map. Every other way
// out of the translator (Translate, TranslateWithOrigins, Expire, EndAll,
// Release) gives mindlytics.Events with their maps, as the public
// constructors make them.
//
// compactTurn is compact.Turn, for tests; apply appends its compact events
// with compact.AppendTurn, AppendUsage and AppendFunction.
func compactTurn(id mindlytics.Identity, conversationID string, turn mindlytics.Turn) (compact.Event, error) {
	return compact.Turn(id, conversationID, turn)
}

// wrap is a public constructor's result as a compact.Event.
func wrap(ev mindlytics.Event, err error) (compact.Event, error) { return compact.Of(ev), err }

// expanded gives each event its Properties map.
func expanded(events []compact.Event) []mindlytics.Event {
	if events == nil {
		return nil
	}
	out := make([]mindlytics.Event, len(events))
	for i := range events {
		out[i] = events[i].Expand()
	}
	return out
}
