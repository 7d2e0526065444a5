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
// They are plain functions, not variables holding compact's: a call
// through a variable is not inlined and passes the event through memory.
func compactTurn(id mindlytics.Identity, conversationID string, turn mindlytics.Turn) (compact.Event, error) {
	return compact.Turn(id, conversationID, turn)
}

func compactCall(id mindlytics.Identity, conversationID string, call mindlytics.FunctionCall) (compact.Event, error) {
	return compact.Function(id, conversationID, call)
}

func compactUsage(id mindlytics.Identity, conversationID string, usage mindlytics.Usage) (compact.Event, error) {
	return compact.Usage(id, conversationID, usage)
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
