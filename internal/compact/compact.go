package compact

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

// compactField is one property of a compact event.
type compactField struct {
	key  string
	kind byte // 's' string, 'i' int64, 'f' float64, 'v' an Extra value
	s    string
	i    int64
	f    float64
	v    any
}

// value is the field's value as its Properties map holds it.
func (f *compactField) value() any {
	switch f.kind {
	case 's':
		return f.s
	case 'i':
		return f.i
	case 'f':
		return f.f
	}
	return f.v
}

// compactFields appends a compact event's own properties to dst, in key
// order (the order encoding/json writes a map's keys in).
func (e *Event) compactFields(dst []compactField) []compactField {
	if t := e.typedTurn(); t != nil {
		dst = append(dst, compactField{key: "assistant", kind: 's', s: t.Assistant})
		if t.AssistantID != "" {
			dst = append(dst, compactField{key: "assistant_id", kind: 's', s: t.AssistantID})
		}
		tokens := turnHasTokens(t)
		if tokens {
			dst = append(dst, compactField{key: "completion_tokens", kind: 'i', i: t.CompletionTokens})
		}
		if t.Cost != 0 {
			dst = append(dst, compactField{key: "cost", kind: 'f', f: t.Cost})
		}
		if t.Model != "" {
			dst = append(dst, compactField{key: "model", kind: 's', s: t.Model})
		}
		if tokens {
			dst = append(dst, compactField{key: "prompt_tokens", kind: 'i', i: t.PromptTokens})
		}
		return append(dst, compactField{key: "user", kind: 's', s: t.User})
	}
	if c := e.typedCall(); c != nil {
		if c.Args != "" {
			dst = append(dst, compactField{key: "args", kind: 's', s: c.Args})
		}
		dst = append(dst, compactField{key: "name", kind: 's', s: c.Name})
		if c.Result != "" {
			dst = append(dst, compactField{key: "result", kind: 's', s: c.Result})
		}
		return append(dst, compactField{key: "runtime", kind: 'i', i: c.Runtime.Milliseconds()})
	}
	if u := e.typedUsage(); u != nil {
		if u.Model == "" {
			return append(dst, compactField{key: "cost", kind: 'f', f: u.Cost})
		}
		return append(dst,
			compactField{key: "completion_tokens", kind: 'i', i: u.CompletionTokens},
			compactField{key: "model", kind: 's', s: u.Model},
			compactField{key: "prompt_tokens", kind: 'i', i: u.PromptTokens})
	}
	return dst
}

// AppendProperties appends a compact event's properties as the JSON
// object encoding/json writes for the map Expand makes: the fields, then
// the Extra values whose key no field has, keys sorted.
func (e *Event) AppendProperties(dst []byte) ([]byte, error) {
	var local [16]compactField
	fields := e.compactFields(local[:0])
	if extra := e.compactExtra(); len(extra) > 0 {
		own := len(fields)
		for k, v := range extra {
			if !slices.ContainsFunc(fields[:own], func(f compactField) bool { return f.key == k }) {
				fields = append(fields, compactField{key: k, kind: 'v', v: v})
			}
		}
		if len(fields) > own {
			slices.SortFunc(fields, func(a, b compactField) int { return strings.Compare(a.key, b.key) })
		}
	}
	dst = append(dst, '{')
	var err error
	for i := range fields {
		f := &fields[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		if f.kind == 'v' {
			dst = wire.AppendString(dst, f.key)
			dst = append(dst, ':')
		} else { // a field's key (compactFields) is plain ASCII: nothing to escape
			dst = append(dst, '"')
			dst = append(dst, f.key...)
			dst = append(dst, '"', ':')
		}
		switch f.kind {
		case 's':
			dst = wire.AppendString(dst, f.s)
		case 'i':
			dst = strconv.AppendInt(dst, f.i, 10)
		case 'f':
			if math.IsNaN(f.f) || math.IsInf(f.f, 0) {
				return dst, wire.MarshalError(f.f)
			}
			dst = wire.AppendFloat(dst, f.f, 64)
		default:
			if dst, err = wire.AppendValue(dst, f.v); err != nil {
				return dst, err
			}
		}
	}
	return append(dst, '}'), nil
}
