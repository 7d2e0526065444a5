package compact

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

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
	w := fieldWriter{fields: dst}
	e.eachField(&w)
	return w.fields
}

// eachField hands a compact event's own properties to w, in key order:
// the one statement of which a turn, call or usage has.
func (e *Event) eachField(w *fieldWriter) {
	if t := e.typedTurn(); t != nil {
		w.str("assistant", t.Assistant)
		if t.AssistantID != "" {
			w.str("assistant_id", t.AssistantID)
		}
		tokens := turnHasTokens(t)
		if tokens {
			w.int("completion_tokens", t.CompletionTokens)
		}
		if t.Cost != 0 {
			w.float("cost", t.Cost)
		}
		if t.Model != "" {
			w.str("model", t.Model)
		}
		if tokens {
			w.int("prompt_tokens", t.PromptTokens)
		}
		w.str("user", t.User)
		return
	}
	if c := e.typedCall(); c != nil {
		if c.Args != "" {
			w.str("args", c.Args)
		}
		w.str("name", c.Name)
		if c.Result != "" {
			w.str("result", c.Result)
		}
		w.int("runtime", c.Runtime.Milliseconds())
		return
	}
	if u := e.typedUsage(); u != nil {
		if u.Model == "" {
			w.float("cost", u.Cost)
			return
		}
		w.int("completion_tokens", u.CompletionTokens)
		w.str("model", u.Model)
		w.int("prompt_tokens", u.PromptTokens)
	}
}

// fieldWriter takes the fields eachField hands it: into fields, or, when
// writing, as JSON members into json (an event without Extra values needs
// no list of its fields, nor its sorting, to be encoded).
type fieldWriter struct {
	writing bool
	fields  []compactField
	json    []byte
	err     error // of writing a float JSON cannot hold
}

func (w *fieldWriter) str(key, s string) {
	if !w.writing {
		w.fields = append(w.fields, compactField{key: key, kind: 's', s: s})
		return
	}
	w.json = wire.AppendString(w.member(key), s)
}

func (w *fieldWriter) int(key string, i int64) {
	if !w.writing {
		w.fields = append(w.fields, compactField{key: key, kind: 'i', i: i})
		return
	}
	w.json = strconv.AppendInt(w.member(key), i, 10)
}

func (w *fieldWriter) float(key string, f float64) {
	if !w.writing {
		w.fields = append(w.fields, compactField{key: key, kind: 'f', f: f})
		return
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.err = wire.MarshalError(f)
		return
	}
	w.json = wire.AppendFloat(w.member(key), f, 64)
}

// value writes an Extra value, under a key that may need escaping.
func (w *fieldWriter) value(key string, v any) {
	dst := w.json
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	w.json, w.err = wire.AppendValue(append(wire.AppendString(dst, key), ':'), v)
}

// member appends a field's key, after a comma unless it is the object's
// first (the '{' is last then). A field's key is plain ASCII: nothing to
// escape.
func (w *fieldWriter) member(key string) []byte {
	dst := w.json
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

// AppendProperties appends a compact event's properties as the JSON
// object encoding/json writes for the map Expand makes: the fields, then
// the Extra values whose key no field has, keys sorted.
func (e *Event) AppendProperties(dst []byte) ([]byte, error) {
	w := fieldWriter{writing: true, json: append(dst, '{')}
	if len(e.compactExtra()) == 0 {
		e.eachField(&w)
		return append(w.json, '}'), w.err
	}
	var local [16]compactField
	fields := e.compactFields(local[:0])
	own := len(fields)
	for k, v := range e.compactExtra() {
		if !slices.ContainsFunc(fields[:own], func(f compactField) bool { return f.key == k }) {
			fields = append(fields, compactField{key: k, kind: 'v', v: v})
		}
	}
	if len(fields) > own {
		slices.SortFunc(fields, func(a, b compactField) int { return strings.Compare(a.key, b.key) })
	}
	for i := 0; i < len(fields) && w.err == nil; i++ {
		switch f := &fields[i]; f.kind {
		case 's':
			w.str(f.key, f.s)
		case 'i':
			w.int(f.key, f.i)
		case 'f':
			w.float(f.key, f.f)
		default:
			w.value(f.key, f.v)
		}
	}
	return append(w.json, '}'), w.err
}
