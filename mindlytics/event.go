package mindlytics

import (
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Type is the value of an event's "type" field.
type Type string

// The event types of the Mindlytics contract.
const (
	TypeStartSession Type = "start_session"
	TypeEndSession   Type = "end_session"
	TypeIdentify     Type = "identify"
	TypeAlias        Type = "alias"
	TypeTrack        Type = "track"
)

// Names of the track events the service gives a meaning to.
const (
	EventConversationStarted  = "Conversation Started"
	EventConversationEnded    = "Conversation Ended"
	EventConversationTurn     = "Conversation Turn"
	EventConversationUsage    = "Conversation Usage"
	EventConversationFunction = "Conversation Function"
)

// Properties holds the scalar values of an event's properties, attributes or
// traits: strings, booleans and numbers only.
type Properties map[string]any

// Event is one Mindlytics event as it goes on the wire: a flat JSON object.
// Build it with a constructor of this package, which validates it; an Event
// assembled by hand should be checked with [Event.Validate] before it is sent.
// json.Marshal encodes it as the service expects it.
type Event struct {
	Type           Type       `json:"type"`
	Event          string     `json:"event,omitempty"`
	SessionID      string     `json:"session_id"`
	Timestamp      string     `json:"timestamp,omitempty"`
	UserID         string     `json:"user_id,omitempty"`
	DeviceID       string     `json:"device_id,omitempty"`
	ConversationID string     `json:"conversation_id,omitempty"`
	ID             string     `json:"id,omitempty"`
	PreviousID     string     `json:"previous_id,omitempty"`
	Properties     Properties `json:"properties,omitempty"`
	Attributes     Properties `json:"attributes,omitempty"`
	Traits         Properties `json:"traits,omitempty"`
	// ConversationAnalysis and IntentAnalysis are analyses of the
	// conversation a "Conversation Ended" event may carry (the published
	// spec of POST /bc/v1/events/event/end-conversation); no other event
	// has them.
	ConversationAnalysis *ConversationAnalysis `json:"conversation_analysis,omitempty"`
	IntentAnalysis       *IntentAnalysis       `json:"intent_analysis,omitempty"`
}

// The sentiments and intent outcomes an analysis may name.
const (
	SentimentPositive = "positive"
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
	IntentFulfilled   = "yes"
	IntentUnfulfilled = "no"
)

// ConversationAnalysis is an analysis of a conversation made by the app
// (the service makes its own when a conversation ends): all fields are
// required, Sentiment is one of the Sentiment constants, Cost what making
// the analysis cost in USD.
type ConversationAnalysis struct {
	Summary   string  `json:"summary"`
	Sentiment string  `json:"sentiment"`
	Cost      float64 `json:"cost"`
}

// IntentAnalysis is an analysis of the user's intent in a conversation:
// as [ConversationAnalysis], and IntentFulfilled, [IntentFulfilled] or
// [IntentUnfulfilled].
type IntentAnalysis struct {
	Summary         string  `json:"summary"`
	Sentiment       string  `json:"sentiment"`
	IntentFulfilled string  `json:"intent_fulfilled"`
	Cost            float64 `json:"cost"`
}

// wireAnalyses returns the analyses of e as the wire encoder reads them;
// nil when e has none.
func (e *Event) wireAnalyses() (conv, intent *wire.Analysis) {
	if a := e.ConversationAnalysis; a != nil {
		conv = &wire.Analysis{Summary: a.Summary, Sentiment: a.Sentiment, Cost: a.Cost}
	}
	if a := e.IntentAnalysis; a != nil {
		intent = &wire.Analysis{Summary: a.Summary, Sentiment: a.Sentiment, IntentFulfilled: a.IntentFulfilled, Cost: a.Cost, Intent: true}
	}
	return conv, intent
}

// Kind names what an event means: its type, or for track events its name
// ("track:Conversation Turn"). It is meant for logs, errors and metrics.
func (e Event) Kind() string {
	if e.Type == TypeTrack {
		return string(e.Type) + ":" + e.Event
	}
	return string(e.Type)
}

// Identity says which session an event belongs to, who the user is at that
// moment and when the event happened. SessionID is always required; a session
// start also needs one of UserID or DeviceID. A zero Time leaves the
// timestamp to the service ("now").
type Identity struct {
	SessionID string
	UserID    string
	DeviceID  string
	Time      time.Time
}

func (id Identity) base(typ Type, name string) Event {
	ev := Event{
		Type:      typ,
		Event:     name,
		SessionID: id.SessionID,
		UserID:    id.UserID,
		DeviceID:  id.DeviceID,
	}
	if !id.Time.IsZero() {
		ev.Timestamp = wire.FormatTimestamp(id.Time)
	}
	return ev
}

// StartSession builds a start_session event. The session's user id goes in
// the "id" field, as the contract has it; one of UserID or DeviceID is
// required.
func StartSession(id Identity, attributes Properties) (Event, error) {
	ev := id.base(TypeStartSession, "")
	ev.ID, ev.UserID = id.UserID, ""
	ev.Attributes = attributes
	return ev, ev.validate(ev.Properties)
}

// EndSession builds an end_session event. Ending a session ends its open
// conversations.
func EndSession(id Identity, attributes Properties) (Event, error) {
	ev := id.base(TypeEndSession, "")
	ev.Attributes = attributes
	return ev, ev.validate(ev.Properties)
}

// Identify builds an identify event inside a session: userID is the user's
// (new) id, deviceID optional, traits merge into the user's.
func Identify(id Identity, userID, deviceID string, traits Properties) (Event, error) {
	ev := id.base(TypeIdentify, "")
	ev.ID = userID
	if deviceID != "" {
		ev.DeviceID = deviceID
	}
	ev.Traits = traits
	return ev, ev.validate(ev.Properties)
}

// Alias builds an alias event inside a session: userID becomes known as an
// alias of previousID.
func Alias(id Identity, userID, previousID string) (Event, error) {
	ev := id.base(TypeAlias, "")
	ev.ID, ev.PreviousID = userID, previousID
	return ev, ev.validate(ev.Properties)
}

// Track builds a user-defined event called name. conversationID is optional.
func Track(id Identity, conversationID, name string, properties Properties) (Event, error) {
	ev := id.base(TypeTrack, name)
	ev.ConversationID = conversationID
	ev.Properties = properties
	return ev, ev.validate(ev.Properties)
}

// ConversationStarted builds the "Conversation Started" event.
func ConversationStarted(id Identity, conversationID string, properties, attributes Properties) (Event, error) {
	ev := id.base(TypeTrack, EventConversationStarted)
	ev.ConversationID = conversationID
	ev.Properties, ev.Attributes = properties, attributes
	return ev, ev.validate(ev.Properties)
}

// ConversationEnded builds the "Conversation Ended" event. Its properties
// merge with those given at the start.
func ConversationEnded(id Identity, conversationID string, properties, attributes Properties) (Event, error) {
	ev := id.base(TypeTrack, EventConversationEnded)
	ev.ConversationID = conversationID
	ev.Properties, ev.Attributes = properties, attributes
	return ev, ev.validate(ev.Properties)
}

// Turn is one exchange of a conversation: what the user said and what the
// assistant answered, with the model and usage of the call when known.
type Turn struct {
	User        string // sent as it is, "" included
	Assistant   string // sent as it is, "" included
	AssistantID string
	Model       string
	// PromptTokens and CompletionTokens are sent when Model is set or when
	// either is non-zero, unless TokensUnknown.
	PromptTokens     int64
	CompletionTokens int64
	// TokensUnknown says the call's token counts are not known (a stream
	// that reported no usage): neither count is sent, so the service does
	// not price the turn at zero. The model is sent all the same.
	TokensUnknown bool
	// Cost is a known cost in USD; zero means unknown and is not sent.
	Cost float64
	// Extra holds further scalar properties. Keys of the fields above win.
	Extra Properties
}

// ConversationTurn builds the "Conversation Turn" event.
func ConversationTurn(id Identity, conversationID string, turn Turn) (Event, error) {
	ev := id.base(TypeTrack, EventConversationTurn)
	ev.ConversationID = conversationID
	var extraErr error
	ev.Properties, extraErr = withExtra(turn.fields(), turn.Extra)
	return ev, ev.checkBuilt(extraErr, turn.Cost)
}

// Usage is the usage of one model call: Model (with token counts, for the
// service to price) or, without a model, Cost (a known cost in USD, zero
// included); when both are known, two events are needed and
// [ConversationUsage] takes the model form.
type Usage struct {
	Model            string
	PromptTokens     int64
	CompletionTokens int64
	Cost             float64
	// Extra holds further scalar properties (cached_tokens,
	// reasoning_tokens, …). Keys of the fields above win.
	Extra Properties
}

// ConversationUsage builds the "Conversation Usage" event: either
// {model, prompt_tokens, completion_tokens} or {cost}.
func ConversationUsage(id Identity, conversationID string, usage Usage) (Event, error) {
	ev := id.base(TypeTrack, EventConversationUsage)
	ev.ConversationID = conversationID
	// Without a model the usage is its cost, zero included, as the
	// SDK's Cost model sends it.
	var extraErr error
	ev.Properties, extraErr = withExtra(usage.fields(), usage.Extra)
	cost := 0.0 // a model's counts are its own: its cost is not sent
	if usage.Model == "" {
		cost = usage.Cost
	}
	return ev, ev.checkBuilt(extraErr, cost)
}

// FunctionCall is one tool or function call made during a conversation.
type FunctionCall struct {
	Name    string // sent as it is
	Args    string // usually JSON
	Result  string
	Runtime time.Duration // sent in whole milliseconds
	Extra   Properties
}

// ConversationFunction builds the "Conversation Function" event.
func ConversationFunction(id Identity, conversationID string, call FunctionCall) (Event, error) {
	ev := id.base(TypeTrack, EventConversationFunction)
	ev.ConversationID = conversationID
	var extraErr error
	ev.Properties, extraErr = withExtra(call.fields(), call.Extra)
	return ev, ev.checkBuilt(extraErr, 0)
}
