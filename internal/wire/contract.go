package wire

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Version is the version of this module, sent in the default User-Agent.
const Version = "0.1.0"

// Defaults of the client's configuration that the collector's also uses.
const (
	DefaultServerBase = "https://app.mindlytics.ai"
	DefaultUserAgent  = "mindlytics-otel-go/" + Version
)

// DefaultTimeout bounds each request to the service, reading the answer
// included: the wire client's, the queue's and the collector's default.
const DefaultTimeout = 10 * time.Second

// Paths of the service's endpoints.
const (
	PathEventsQueue  = "/bc/v1/events/queue"
	PathEvent        = "/bc/v1/events/event"
	PathLiveRealtime = "/bc/v1/live-events/realtime"
	PathLiveHistory  = "/bc/v1/live-events/events"
	PathUserIdentify = "/bc/v1/user/identify"
	PathUserAlias    = "/bc/v1/user/alias"
)

// KindPath returns the path of the per-kind endpoint of an event of type
// typ named name: "Conversation Started" goes to
// /bc/v1/events/event/start-conversation, a user-defined event to
// /bc/v1/events/event/track, and so on. An event of unknown type goes to
// the generic /bc/v1/events/event.
func KindPath(typ, name string) string {
	if typ == "track" {
		if kind, ok := trackKinds[name]; ok {
			return PathEvent + "/" + kind
		}
		return PathEvent + "/track"
	}
	if kind, ok := typeKinds[typ]; ok {
		return PathEvent + "/" + kind
	}
	return PathEvent
}

var (
	typeKinds = map[string]string{
		"start_session": "start-session",
		"end_session":   "end-session",
		"identify":      "identify",
		"alias":         "alias",
	}
	trackKinds = map[string]string{
		"Conversation Started":  "start-conversation",
		"Conversation Ended":    "end-conversation",
		"Conversation Turn":     "conversation-turn",
		"Conversation Usage":    "conversation-usage",
		"Conversation Function": "conversation-function",
	}
)

// Names of live events the service derives from the events it gets.
const (
	EventSessionStarted = "Session Started"
	EventSessionEnded   = "Session Ended"
	EventUserIdentified = "User Identified"
	EventUserAliased    = "User Aliased"
	// EventMLError carries an error in properties.error_message.
	EventMLError = "MLError"
)

// MaxIDLength is the longest id or event name the service accepts, in
// characters.
const MaxIDLength = 100

// CheckScalar accepts the values that encode as JSON strings, numbers or
// booleans; its error is the reason a value is refused.
func CheckScalar(v any) error {
	switch x := v.(type) {
	case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return nil
	case float64:
		return CheckFinite(x)
	case float32:
		return CheckFinite(float64(x))
	case json.Number:
		if _, err := x.Float64(); err != nil {
			return fmt.Errorf("%q is not a number", string(x))
		}
		return nil
	case nil:
		return fmt.Errorf("null is not allowed; values are strings, numbers or booleans")
	default:
		return fmt.Errorf("a %T is not allowed; values are strings, numbers or booleans", v)
	}
}

// CheckFinite refuses NaN and the infinities, which JSON cannot hold.
func CheckFinite(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%v is not a finite number", f)
	}
	return nil
}
