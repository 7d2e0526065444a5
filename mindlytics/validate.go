package mindlytics

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ValidationError says which field of an event is invalid and why.
type ValidationError struct {
	Field  string // the JSON name of the field, "properties.user" for nested ones
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("mindlytics: invalid event: %s: %s", e.Field, e.Reason)
}

func fieldError(field, reason string) *ValidationError {
	return &ValidationError{Field: field, Reason: reason}
}

// Validate checks the event against the contract, no more strictly than
// the service's own clients do: known type, required fields of its kind,
// the lengths of id, device_id, previous_id, the event name and the usage
// model (1–100 characters), timestamp format and scalar-only values.
// It returns a [*ValidationError] for the first problem found.
func (e Event) Validate() error {
	if e.Timestamp != "" {
		if err := checkTimestamp(e.Timestamp); err != nil {
			return err
		}
	}
	return (&e).validate(e.Properties)
}

// validate is Validate for the constructors: their timestamp is
// wire.FormatTimestamp's (only its fallback for years outside 0–9999 is
// checked again), and it checks only props for values that are not scalars
// (the caller's properties; a turn's, usage's or call's Extra values go
// through checkExtra); the rest is checked once, here.
func (e *Event) validate(props Properties) error {
	if e.Timestamp != "" && len(e.Timestamp) != len(wire.TimestampLayout) {
		// Not a year 0–9999: FormatTimestamp fell back to time.Format,
		// whose text is not RFC 3339.
		if err := checkTimestamp(e.Timestamp); err != nil {
			return err
		}
	}
	// The service's clients cap at 100 characters only id, device_id,
	// previous_id, the event name and the usage model (mlsdk-python
	// src/mlsdk/types.py); session_id, user_id and conversation_id are any
	// string (docs/CONTRACT.md).
	if e.SessionID == "" {
		return fieldError("session_id", "required")
	}
	if err := checkID("device_id", e.DeviceID, false); err != nil {
		return err
	}
	if err := checkID("id", e.ID, false); err != nil {
		return err
	}
	if err := checkID("previous_id", e.PreviousID, false); err != nil {
		return err
	}
	if e.Type != TypeTrack && e.Event != "" {
		return fieldError("event", fmt.Sprintf("only track events have a name, not %q events", e.Type))
	}
	switch e.Type {
	case TypeStartSession, TypeIdentify:
		if e.ID == "" && e.DeviceID == "" {
			return fieldError("id", "one of id (user id) or device_id is required")
		}
	case TypeEndSession:
	case TypeAlias:
		if err := checkID("id", e.ID, true); err != nil {
			return err
		}
		if err := checkID("previous_id", e.PreviousID, true); err != nil {
			return err
		}
	case TypeTrack:
		if err := checkID("event", e.Event, true); err != nil {
			return err
		}
		if err := e.validateConversationEvent(); err != nil {
			return err
		}
	case "":
		return fieldError("type", "required")
	default:
		return fieldError("type", fmt.Sprintf("unknown type %q", e.Type))
	}
	if err := e.validateAnalyses(); err != nil {
		return err
	}
	if err := checkScalars("properties", props); err != nil {
		return err
	}
	if err := checkScalars("attributes", e.Attributes); err != nil {
		return err
	}
	return checkScalars("traits", e.Traits)
}

func (e *Event) validateConversationEvent() error {
	switch e.Event {
	case EventConversationStarted, EventConversationEnded:
	case EventConversationTurn:
		// The SDK's TurnPropertiesModel: user and assistant are strings,
		// "" included.
		for _, key := range []string{"user", "assistant"} {
			if _, ok := e.Properties[key].(string); !ok {
				return fieldError("properties."+key, "required, a string")
			}
		}
	case EventConversationUsage:
		model, hasModel := e.Properties["model"]
		_, hasCost := e.Properties["cost"]
		if !hasModel && !hasCost {
			return fieldError("properties", "usage needs model with token counts, or cost")
		}
		if m, isString := model.(string); isString && !hasCost {
			// The model form: the SDK's TokenBasedCost caps the model.
			if err := checkID("properties.model", m, true); err != nil {
				return err
			}
		}
	case EventConversationFunction:
		if _, ok := e.Properties["name"].(string); !ok {
			return fieldError("properties.name", "required, a string")
		}
	default:
		return nil
	}
	if e.ConversationID == "" {
		return fieldError("conversation_id", "required")
	}
	return nil
}

// validateAnalyses checks the analyses of a "Conversation Ended" event
// against the published spec: only that event has them, the sentiment and
// intent_fulfilled are of their enums, the cost is a finite number.
func (e *Event) validateAnalyses() error {
	if e.ConversationAnalysis == nil && e.IntentAnalysis == nil {
		return nil
	}
	if e.Type != TypeTrack || e.Event != EventConversationEnded {
		field := "conversation_analysis"
		if e.ConversationAnalysis == nil {
			field = "intent_analysis"
		}
		return fieldError(field, fmt.Sprintf("only %q events have analyses", EventConversationEnded))
	}
	sentiment := func(field, s string) error {
		switch s {
		case SentimentPositive, SentimentNegative, SentimentNeutral:
			return nil
		}
		return fieldError(field, fmt.Sprintf("%q is not one of positive, negative, neutral", s))
	}
	if a := e.ConversationAnalysis; a != nil {
		if err := sentiment("conversation_analysis.sentiment", a.Sentiment); err != nil {
			return err
		}
		if err := wire.CheckFinite(a.Cost); err != nil {
			return fieldError("conversation_analysis.cost", err.Error())
		}
	}
	if a := e.IntentAnalysis; a != nil {
		if err := sentiment("intent_analysis.sentiment", a.Sentiment); err != nil {
			return err
		}
		if a.IntentFulfilled != IntentFulfilled && a.IntentFulfilled != IntentUnfulfilled {
			return fieldError("intent_analysis.intent_fulfilled", fmt.Sprintf("%q is not one of yes, no", a.IntentFulfilled))
		}
		if err := wire.CheckFinite(a.Cost); err != nil {
			return fieldError("intent_analysis.cost", err.Error())
		}
	}
	return nil
}

func checkID(field, value string, required bool) error {
	// Small enough to inline: the usual id, 1 to MaxIDLength bytes (a
	// string is no longer in runes than in bytes), or absent and optional.
	if uint(len(value)-1) < wire.MaxIDLength || value == "" && !required {
		return nil
	}
	return checkLongOrMissingID(field, value, required)
}

func checkLongOrMissingID(field, value string, required bool) error {
	if value == "" {
		if required {
			return fieldError(field, "required")
		}
		return nil
	}
	if n := utf8.RuneCountInString(value); n > wire.MaxIDLength {
		return fieldError(field, fmt.Sprintf("%d characters, at most %d allowed", n, wire.MaxIDLength))
	}
	return nil
}

func checkTimestamp(ts string) error {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return fieldError("timestamp", fmt.Sprintf("%q is not RFC 3339", ts))
	}
	if _, offset := t.Zone(); offset != 0 {
		return fieldError("timestamp", fmt.Sprintf("%q is not in UTC", ts))
	}
	return nil
}

func checkScalars(group string, props Properties) error {
	if len(props) == 0 { // most groups are absent: skip starting a map iteration
		return nil
	}
	for k, v := range props {
		if k == "" {
			return fieldError(group, "empty key")
		}
		if err := wire.CheckScalar(v); err != nil {
			return fieldError(group+"."+k, err.Error())
		}
	}
	return nil
}

// checkCost checks a cost the constructors put in the properties.
func checkCost(cost float64) error {
	if err := wire.CheckFinite(cost); err != nil {
		return fieldError("properties.cost", err.Error())
	}
	return nil
}
