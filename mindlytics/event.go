package mindlytics

import (
	"slices"
	"time"
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
//
// Event has unexported fields, which only this module's translation uses
// (a compact form of the events it encodes at once); an Event a caller
// gets never has them set, so events compare with reflect.DeepEqual or
// testify as before; go-cmp needs cmpopts.IgnoreUnexported(Event{}).
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

	// turn, call or usage holds a compact event's properties instead of
	// Properties (compact.go); never set in an event a caller gets.
	turn  *Turn
	call  *FunctionCall
	usage *Usage
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

// timestampLayout is RFC 3339 in UTC with microseconds: fixed width, and
// precise enough to keep the order of events made in one tight loop.
const timestampLayout = "2006-01-02T15:04:05.000000Z"

// FormatTimestamp formats t as the service expects it: RFC 3339, UTC.
func FormatTimestamp(t time.Time) string {
	var buf [len(timestampLayout)]byte
	return string(appendTimestamp(buf[:0], t))
}

// appendTimestamp appends t in timestampLayout. It writes the digits
// itself, from t's Unix seconds, where time.Format parses its layout and
// time.Date and Clock each redo the calendar: a tenth of the cost.
func appendTimestamp(b []byte, t time.Time) []byte {
	secs := t.Unix()
	days := secs / secondsPerDay
	if secs%secondsPerDay < 0 {
		days-- // the day starts before the epoch: round down
	}
	year, month, day := civilDate(days)
	if year < 0 || year > 9999 {
		return t.UTC().AppendFormat(b, timestampLayout)
	}
	clock := int(secs - days*secondsPerDay)
	n := len(b)
	b = slices.Grow(b, len(timestampLayout))[:n+len(timestampLayout)]
	d := b[n : n+len(timestampLayout)]
	// Two digits a step, from a table: no division by ten per digit.
	put2 := func(at int, v uint) { d[at], d[at+1] = twoDigits[2*v], twoDigits[2*v+1] }
	put2(0, uint(year)/100)
	put2(2, uint(year)%100)
	d[4] = '-'
	put2(5, uint(month))
	d[7] = '-'
	put2(8, uint(day))
	d[10] = 'T'
	put2(11, uint(clock)/3600)
	d[13] = ':'
	put2(14, uint(clock)/60%60)
	d[16] = ':'
	put2(17, uint(clock)%60)
	d[19] = '.'
	micro := uint(t.Nanosecond()) / 1000
	put2(20, micro/10000)
	put2(22, micro/100%100)
	put2(24, micro%100)
	d[26] = 'Z'
	return b
}

// twoDigits holds 00 to 99.
const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

const secondsPerDay = 24 * 60 * 60

// civilDate is the proleptic Gregorian date of the day days after
// 1970-01-01 (Howard Hinnant's days_from_civil inverted: eras of 400
// years, years from March, so that a leap day ends its year).
func civilDate(days int64) (year, month, day int) {
	z := days + 719_468 // from 0000-03-01
	era := z / 146_097
	if z < 0 && z%146_097 != 0 {
		era--
	}
	doe := z - era*146_097                                    // day of era, [0, 146096]
	yoe := (doe - doe/1_460 + doe/36_524 - doe/146_096) / 365 // year of era, [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)                  // day of year from March 1, [0, 365]
	mp := (5*doy + 2) / 153                                   // month from March, [0, 11]
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
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
		ev.Timestamp = FormatTimestamp(id.Time)
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
	User        string // required
	Assistant   string // required
	AssistantID string
	Model       string
	// PromptTokens and CompletionTokens are sent when Model is set or when
	// either is non-zero.
	PromptTokens     int64
	CompletionTokens int64
	// Cost is a known cost in USD; zero means unknown and is not sent.
	Cost float64
	// Extra holds further scalar properties. Keys of the fields above win.
	Extra Properties
}

// ConversationTurn builds the "Conversation Turn" event.
func ConversationTurn(id Identity, conversationID string, turn Turn) (Event, error) {
	ev, err := compactTurn(id, conversationID, turn)
	return expand(ev), err
}

// Usage is the usage of one model call. Either Model (with token counts, for
// the service to price) or Cost (a known cost in USD) must be set; when both
// are, two events are needed and [ConversationUsage] takes the model form.
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
	ev, err := compactUsage(id, conversationID, usage)
	return expand(ev), err
}

// FunctionCall is one tool or function call made during a conversation.
type FunctionCall struct {
	Name    string // required
	Args    string // usually JSON
	Result  string
	Runtime time.Duration // sent in whole milliseconds
	Extra   Properties
}

// ConversationFunction builds the "Conversation Function" event.
func ConversationFunction(id Identity, conversationID string, call FunctionCall) (Event, error) {
	ev, err := compactFunction(id, conversationID, call)
	return expand(ev), err
}
