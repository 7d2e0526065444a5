package compact

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Event is an event on its way to the encoder: a mindlytics.Event, and for
// a turn, usage or function event made by [Turn], [Usage] or [Function]
// its typed fields instead of a Properties map.
type Event struct {
	mindlytics.Event

	// form says which of turn, call or usage holds a compact event's
	// properties; the embedded Event's Properties is then nil. They are
	// held in the event, not behind a pointer: one allocation less per
	// event, and a copy of an event shares none of them.
	form form
	// stamp is a compact event's timestamp when stamped, the embedded
	// Event's Timestamp then empty (Expand writes it there): one string
	// allocation less per event.
	stamp   wire.Stamp
	stamped bool
	turn    mindlytics.Turn
	call    mindlytics.FunctionCall
	usage   mindlytics.Usage
}

// form is where an event keeps its properties.
type form uint8

const (
	formMap form = iota // the embedded Event's Properties
	formTurn
	formCall
	formUsage
)

// typedTurn, typedCall and typedUsage are the event's turn, call or
// usage when its form is that one, else nil.
func (e *Event) typedTurn() *mindlytics.Turn {
	if e.form == formTurn {
		return &e.turn
	}
	return nil
}

func (e *Event) typedCall() *mindlytics.FunctionCall {
	if e.form == formCall {
		return &e.call
	}
	return nil
}

func (e *Event) typedUsage() *mindlytics.Usage {
	if e.form == formUsage {
		return &e.usage
	}
	return nil
}

// Of wraps an event that has its Properties map.
func Of(ev mindlytics.Event) Event { return Event{Event: ev} }

// Turn is mindlytics.ConversationTurn without the Properties map: the
// same validation, the same bytes once encoded. The turn's Extra map is
// kept, not copied: the caller must not change it after.
func Turn(id mindlytics.Identity, conversationID string, turn mindlytics.Turn) (Event, error) {
	var ev Event
	return ev, ev.setTurn(id, conversationID, turn)
}

// Function is mindlytics.ConversationFunction without the Properties map;
// the call's Extra map is kept, not copied.
func Function(id mindlytics.Identity, conversationID string, call mindlytics.FunctionCall) (Event, error) {
	var ev Event
	return ev, ev.setFunction(id, conversationID, call)
}

// Usage is mindlytics.ConversationUsage without the Properties map; the
// usage's Extra map is kept, not copied. Without a model it is the cost
// form, zero included.
func Usage(id mindlytics.Identity, conversationID string, usage mindlytics.Usage) (Event, error) {
	var ev Event
	return ev, ev.setUsage(id, conversationID, usage)
}

// AppendTurn, AppendFunction and AppendUsage append the event Turn,
// Function or Usage makes to dst, or give its error and dst as it was.
// They build it in its place in dst: an event is 200 bytes, which a
// result would copy at each call it goes through.
func AppendTurn(dst []Event, id mindlytics.Identity, conversationID string, turn mindlytics.Turn) ([]Event, error) {
	dst = append(dst, Event{})
	return keepIfValid(dst, dst[len(dst)-1].setTurn(id, conversationID, turn))
}

// AppendFunction: see [AppendTurn].
func AppendFunction(dst []Event, id mindlytics.Identity, conversationID string, call mindlytics.FunctionCall) ([]Event, error) {
	dst = append(dst, Event{})
	return keepIfValid(dst, dst[len(dst)-1].setFunction(id, conversationID, call))
}

// AppendUsage: see [AppendTurn].
func AppendUsage(dst []Event, id mindlytics.Identity, conversationID string, usage mindlytics.Usage) ([]Event, error) {
	dst = append(dst, Event{})
	return keepIfValid(dst, dst[len(dst)-1].setUsage(id, conversationID, usage))
}

// keepIfValid drops dst's last event when it failed validation.
func keepIfValid(dst []Event, err error) ([]Event, error) {
	if err != nil {
		dst[len(dst)-1] = Event{} // hold on to nothing of it
		return dst[:len(dst)-1], err
	}
	return dst, nil
}

func (e *Event) setTurn(id mindlytics.Identity, conversationID string, turn mindlytics.Turn) error {
	err := e.setHeader(id, conversationID, mindlytics.EventConversationTurn)
	e.form, e.turn = formTurn, turn
	return e.check(err)
}

func (e *Event) setFunction(id mindlytics.Identity, conversationID string, call mindlytics.FunctionCall) error {
	err := e.setHeader(id, conversationID, mindlytics.EventConversationFunction)
	e.form, e.call = formCall, call
	return e.check(err)
}

func (e *Event) setUsage(id mindlytics.Identity, conversationID string, usage mindlytics.Usage) error {
	err := e.setHeader(id, conversationID, mindlytics.EventConversationUsage)
	e.form, e.usage = formUsage, usage
	return e.check(err)
}

// setHeader makes e, a zero Event, the event named name with no
// properties, its identity and conversation id checked as any track
// event's (mindlytics.Track, under a name with no rules of its own: the
// name's rules are check's). It builds the event itself, as Track does;
// only an identity that may fail Track's checks goes through Track, for
// its verdict and its words.
func (e *Event) setHeader(id mindlytics.Identity, conversationID, name string) error {
	ev := &e.Event
	ev.Type, ev.Event, ev.SessionID, ev.ConversationID = mindlytics.TypeTrack, name, id.SessionID, conversationID
	ev.UserID, ev.DeviceID = id.UserID, id.DeviceID
	if !id.Time.IsZero() {
		// A stamp in the layout stands for a Timestamp of the layout's
		// width, which trackCannotFail below accepts as it would.
		if e.stamped = wire.PutStamp(&e.stamp, id.Time); !e.stamped {
			ev.Timestamp = wire.FormatTimestamp(id.Time)
		}
	}
	if trackCannotFail(ev) {
		return nil
	}
	_, err := mindlytics.Track(id, conversationID, "compact", nil)
	return err
}

// trackCannotFail says whether mindlytics.Track accepts a header's
// identity for sure: of what it checks of an event with no properties
// under a plain name, the timestamp written in TimestampLayout (not a
// year beyond it), the session id, and a device id no longer than the cap
// even in bytes. Other identities (rare) are left to Track.
func trackCannotFail(ev *mindlytics.Event) bool {
	return (ev.Timestamp == "" || len(ev.Timestamp) == len(wire.TimestampLayout)) &&
		ev.SessionID != "" && len(ev.DeviceID) <= wire.MaxIDLength
}

func invalid(field, reason string) *mindlytics.ValidationError {
	return &mindlytics.ValidationError{Field: field, Reason: reason}
}

// check is what the public constructors check beyond the identity, in
// their order: the name's required properties, the conversation id, the
// Extra values, the cost. headerErr, when not nil, comes first.
func (e *Event) check(headerErr error) error {
	if headerErr != nil {
		return headerErr
	}
	if e.ConversationID == "" {
		return invalid("conversation_id", "required")
	}
	if _, extraCost := e.usageExtraCost(); e.form == formUsage && !extraCost && len(e.usage.Model) > wire.MaxIDLength {
		if n := utf8.RuneCountInString(e.usage.Model); n > wire.MaxIDLength {
			return invalid("properties.model", fmt.Sprintf("%d characters, at most %d allowed", n, wire.MaxIDLength))
		}
	}
	if err := e.checkExtra(); err != nil {
		return err
	}
	switch {
	case e.form == formTurn:
		return checkCost(e.turn.Cost)
	case e.form == formUsage && e.usage.Model == "":
		return checkCost(e.usage.Cost)
	}
	return nil
}

// usageExtraCost says whether a usage's Extra holds a cost, which
// mindlytics.Event.Validate reads as the cost form (the model unchecked).
func (e *Event) usageExtraCost() (any, bool) {
	if e.form != formUsage {
		return nil, false
	}
	v, ok := e.usage.Extra["cost"]
	return v, ok
}

func checkCost(cost float64) error {
	if err := wire.CheckFinite(cost); err != nil {
		return invalid("properties.cost", err.Error())
	}
	return nil
}

// compact says whether e keeps its properties in a compact form.
func (e *Event) compact() bool { return e.form != formMap }

// Expand returns e as a mindlytics.Event, with its properties in the
// Properties map as the public constructor makes them.
func (e Event) Expand() mindlytics.Event {
	ev := e.Event
	if e.stamped {
		ev.Timestamp = string(e.stamp[:])
	}
	if e.compact() {
		ev.Properties = e.properties()
	}
	return ev
}

// Validate checks e as mindlytics.Event.Validate checks the event Expand
// gives; a compact event's map is made for it.
func (e Event) Validate() error { return e.Expand().Validate() }

// properties is the Properties map of a compact event: its Extra values,
// and its own fields (compactFields) over them.
func (e *Event) properties() mindlytics.Properties {
	var local [8]compactField
	fields := e.compactFields(local[:0])
	extra := e.compactExtra()
	p := make(mindlytics.Properties, len(fields)+len(extra))
	for k, v := range extra {
		p[k] = v
	}
	for i := range fields {
		p[fields[i].key] = fields[i].value()
	}
	return p
}

func turnHasTokens(turn *mindlytics.Turn) bool {
	return !turn.TokensUnknown && (turn.Model != "" || turn.PromptTokens != 0 || turn.CompletionTokens != 0)
}

// compactExtra is the Extra map of a compact event, nil for others.
func (e *Event) compactExtra() mindlytics.Properties {
	switch e.form {
	case formTurn:
		return e.turn.Extra
	case formCall:
		return e.call.Extra
	case formUsage:
		return e.usage.Extra
	}
	return nil
}

// checkExtra checks a compact event's Extra values: each key's final
// value (the field's, when a field of the same name is set) must be a
// scalar.
func (e *Event) checkExtra() error {
	extra := e.compactExtra()
	if len(extra) == 0 {
		return nil
	}
	var local [8]compactField // a turn has at most 7: no allocation
	fields := e.compactFields(local[:0])
	for k, v := range extra {
		if k == "" {
			return invalid("properties", "empty key")
		}
		if i := slices.IndexFunc(fields, func(f compactField) bool { return f.key == k }); i >= 0 {
			continue // a field's own value: a scalar
		}
		if err := wire.CheckScalar(v); err != nil {
			return invalid("properties."+k, err.Error())
		}
	}
	return nil
}
