package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/eventhook"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// AppendTranslation's turn, usage and function events are compact (package
// mindlytics, compact.go): their properties stay typed until the front
// door encodes them, which costs a fifth of a Properties map. Every other
// way out of the translator (Translate, TranslateWithOrigins, Expire,
// EndAll, Release) gives events with their maps, as the public
// constructors make them.
var (
	compactTurn  = eventhook.CompactTurn.(func(mindlytics.Identity, string, mindlytics.Turn) (mindlytics.Event, error))
	compactCall  = eventhook.CompactFunction.(func(mindlytics.Identity, string, mindlytics.FunctionCall) (mindlytics.Event, error))
	compactUsage = eventhook.CompactUsage.(func(mindlytics.Identity, string, mindlytics.Usage) (mindlytics.Event, error))
	expandEvent  = eventhook.Expand.(func(mindlytics.Event) mindlytics.Event)
)

// expanded gives each event its Properties map, in place.
func expanded(events []mindlytics.Event) []mindlytics.Event {
	for i := range events {
		events[i] = expandEvent(events[i])
	}
	return events
}
