package mindlytics

import "github.com/mindlytics/mindlytics-otel/internal/wire"

// LiveEvent is one event as the service streams it back over the live-events
// websocket and lists it in the live-events history: the caller's own events
// as processed, and the ones the service derives ("Session Ended", analysis
// results, "MLError").
type LiveEvent struct {
	OrganizationID string `json:"organization_id"`
	AppID          string `json:"app_id"`
	SessionID      string `json:"session_id"`
	UserID         string `json:"user_id"`
	ConversationID string `json:"conversation_id,omitempty"`
	EventID        string `json:"event_id"`
	OriginEventID  string `json:"origin_event_id,omitempty"`
	Timestamp      string `json:"timestamp"`
	Event          string `json:"event"`
	// Properties values are scalars or arrays of strings or numbers.
	Properties map[string]any `json:"properties"`
	UserTraits map[string]any `json:"user_traits"`
}

// ErrorMessage returns the error an MLError event carries, and whether the
// event is one.
func (e LiveEvent) ErrorMessage() (string, bool) {
	if e.Event != wire.EventMLError {
		return "", false
	}
	msg, _ := e.Properties["error_message"].(string)
	return msg, true
}
