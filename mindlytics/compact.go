package mindlytics

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/eventhook"
)

// Compact events. A turn, usage or function event built only to be encoded and
// sent keeps its Turn, Usage or FunctionCall instead of a Properties map: building
// the map (a map, boxed values) and sorting its keys to encode it costs
// about five times what writing the fields does, and most events this
// module makes are turns. This module's translation builds them through
// internal/eventhook; every event a caller of this package gets has its
// Properties map (expand), so the public API behaves as before (Event only
// gained unexported fields, which its doc mentions). AppendJSON
// writes a compact event's properties byte for byte as it writes the map
// the public constructor would have made (TestCompactEventsEncodeAsTheirMaps).

func init() {
	eventhook.CompactTurn = compactTurn
	eventhook.CompactFunction = compactFunction
	eventhook.CompactUsage = compactUsage
	eventhook.Expand = expand
}

// compactTurn is ConversationTurn without the Properties map. The turn's
// Extra map is kept, not copied: the caller must not change it after.
func compactTurn(id Identity, conversationID string, turn Turn) (Event, error) {
	ev := id.base(TypeTrack, EventConversationTurn)
	ev.ConversationID, ev.turn = conversationID, &turn
	return ev, ev.checkBuilt()
}

// compactFunction is ConversationFunction without the Properties map; the
// call's Extra map is kept, not copied.
func compactFunction(id Identity, conversationID string, call FunctionCall) (Event, error) {
	ev := id.base(TypeTrack, EventConversationFunction)
	ev.ConversationID, ev.call = conversationID, &call
	return ev, ev.checkBuilt()
}

// compactUsage is ConversationUsage without the Properties map; the
// usage's Extra map is kept, not copied. Without a model or a positive
// cost it is an error, and the event has no properties.
func compactUsage(id Identity, conversationID string, usage Usage) (Event, error) {
	ev := id.base(TypeTrack, EventConversationUsage)
	ev.ConversationID = conversationID
	if usage.Model == "" && !(usage.Cost > 0) {
		return ev, fieldError("properties", "usage needs a model or a positive cost")
	}
	ev.usage = &usage
	return ev, ev.checkBuilt()
}

// checkBuilt is the check of a compact constructor: validate, then what
// validate leaves of a compact event (checkCompact).
func (e *Event) checkBuilt() error {
	if err := e.validate(nil); err != nil {
		return err
	}
	return e.checkCompact()
}

// checkCompact checks a compact event's Extra values and its cost: a
// turn's, and a usage's that has no model (a model's counts are its own).
func (e *Event) checkCompact() error {
	if err := e.checkCompactExtra(); err != nil {
		return err
	}
	switch {
	case e.turn != nil:
		return checkCost(e.turn.Cost)
	case e.usage != nil && e.usage.Model == "":
		return checkCost(e.usage.Cost)
	}
	return nil
}

// compact says whether e keeps its properties in a compact form.
func (e Event) compact() bool { return e.turn != nil || e.call != nil || e.usage != nil }

// expand returns e with its properties in the Properties map.
func expand(e Event) Event {
	if !e.compact() {
		return e
	}
	e.Properties = compactProperties(e)
	e.turn, e.call, e.usage = nil, nil, nil
	return e
}

// compactProperties is the Properties map of a compact event: its Extra
// values, and its own fields (compactFields) over them.
func compactProperties(e Event) Properties {
	var local [8]compactField
	fields := e.compactFields(local[:0])
	extra := e.compactExtra()
	p := make(Properties, len(fields)+len(extra))
	for k, v := range extra {
		p[k] = v
	}
	for i := range fields {
		p[fields[i].key] = fields[i].value()
	}
	return p
}

func turnHasTokens(turn *Turn) bool {
	return turn.Model != "" || turn.PromptTokens != 0 || turn.CompletionTokens != 0
}

// compactExtra is the Extra map of a compact event, nil for others.
func (e *Event) compactExtra() Properties {
	switch {
	case e.turn != nil:
		return e.turn.Extra
	case e.call != nil:
		return e.call.Extra
	case e.usage != nil:
		return e.usage.Extra
	}
	return nil
}

// checkCompactExtra checks a compact event's Extra values: each key's
// final value (the field's, when a field of the same name is set) must be
// a scalar.
func (e *Event) checkCompactExtra() error {
	extra := e.compactExtra()
	if len(extra) == 0 {
		return nil
	}
	var local [8]compactField // a turn has at most 7: no allocation
	fields := e.compactFields(local[:0])
	for k, v := range extra {
		if k == "" {
			return fieldError("properties", "empty key")
		}
		if i := slices.IndexFunc(fields, func(f compactField) bool { return f.key == k }); i >= 0 {
			continue // a field's own value: a scalar
		}
		if err := checkScalar(v); err != nil {
			return fieldError("properties."+k, err.Error())
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
	if t := e.turn; t != nil {
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
	if c := e.call; c != nil {
		if c.Args != "" {
			dst = append(dst, compactField{key: "args", kind: 's', s: c.Args})
		}
		dst = append(dst, compactField{key: "name", kind: 's', s: c.Name})
		if c.Result != "" {
			dst = append(dst, compactField{key: "result", kind: 's', s: c.Result})
		}
		return append(dst, compactField{key: "runtime", kind: 'i', i: c.Runtime.Milliseconds()})
	}
	if u := e.usage; u != nil {
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

// appendCompactProperties appends a compact event's properties as the JSON
// object encoding/json writes for the map expand makes: the fields, then
// the Extra values whose key no field has, keys sorted.
func appendCompactProperties(dst []byte, e Event) ([]byte, error) {
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
			dst = appendString(dst, f.key)
			dst = append(dst, ':')
		} else { // a field's key (compactFields) is plain ASCII: nothing to escape
			dst = append(dst, '"')
			dst = append(dst, f.key...)
			dst = append(dst, '"', ':')
		}
		switch f.kind {
		case 's':
			dst = appendString(dst, f.s)
		case 'i':
			dst = strconv.AppendInt(dst, f.i, 10)
		case 'f':
			if math.IsNaN(f.f) || math.IsInf(f.f, 0) {
				return dst, marshalError(f.f)
			}
			dst = appendFloat(dst, f.f, 64)
		default:
			if dst, err = appendValue(dst, f.v); err != nil {
				return dst, err
			}
		}
	}
	return append(dst, '}'), nil
}
