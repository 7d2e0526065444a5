package compact

import (
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// AppendJSON appends the JSON encoding of e to dst and returns the
// extended buffer: the bytes json.Marshal writes for e.Expand(). On error
// the returned buffer is dst unchanged in length.
func (e *Event) AppendJSON(dst []byte) ([]byte, error) {
	w := wire.Event{
		Type: string(e.Type), Name: e.Event.Event, SessionID: e.SessionID, Timestamp: e.Timestamp,
		UserID: e.UserID, DeviceID: e.DeviceID, ConversationID: e.ConversationID, ID: e.ID,
		PreviousID: e.PreviousID, Properties: e.Properties, Attributes: e.Attributes, Traits: e.Traits,
	}
	if e.stamped {
		w.Stamp = &e.stamp
	}
	if a := e.ConversationAnalysis; a != nil {
		w.ConversationAnalysis = &wire.Analysis{Summary: a.Summary, Sentiment: a.Sentiment, Cost: a.Cost}
	}
	if a := e.IntentAnalysis; a != nil {
		w.IntentAnalysis = &wire.Analysis{Summary: a.Summary, Sentiment: a.Sentiment, IntentFulfilled: a.IntentFulfilled, Cost: a.Cost, Intent: true}
	}
	if !e.compact() || len(e.Properties) > 0 {
		return w.AppendJSON(dst)
	}
	start := len(dst)
	dst = append(w.AppendHead(dst), `,"properties":`...)
	dst, err := e.AppendProperties(dst)
	if err == nil {
		dst, err = w.AppendRest(dst)
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// MarshalJSON encodes e with [Event.AppendJSON], so that json.Marshal of a
// compact event writes its properties (the embedded mindlytics.Event would
// have none).
func (e Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, 256))
}
