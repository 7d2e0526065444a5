package spanview

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
)

// ValueKind is the type of a [Value].
type ValueKind int

// The kinds of attribute values the SDK (and OTLP) carry.
const (
	KindEmpty ValueKind = iota
	KindString
	KindBool
	KindInt
	KindDouble
	KindBytes
	KindSlice
	KindMap
)

// Value is one attribute value of a span. It wraps the source value without
// copying it.
type Value struct {
	a      attribute.Value
	exists bool
}

// ValueOf views an SDK attribute value.
func ValueOf(v attribute.Value) Value { return Value{a: v, exists: true} }

// String returns [Value.AsString], for printing.
func (v Value) String() string { return v.AsString() }

// Kind returns the type of v.
func (v Value) Kind() ValueKind {
	if !v.exists {
		return KindEmpty
	}
	switch v.a.Type() {
	case attribute.STRING:
		return KindString
	case attribute.BOOL:
		return KindBool
	case attribute.INT64:
		return KindInt
	case attribute.FLOAT64:
		return KindDouble
	case attribute.BYTESLICE:
		return KindBytes
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE, attribute.STRINGSLICE, attribute.SLICE:
		return KindSlice
	case attribute.MAP:
		return KindMap
	}
	return KindEmpty
}

// Str returns the string of a string value, "" for other kinds.
func (v Value) Str() string {
	if !v.isString() {
		return ""
	}
	return v.a.AsString()
}

// isString is Kind() == KindString, without Kind's switch.
func (v Value) isString() bool { return v.exists && v.a.Type() == attribute.STRING }

// AsString returns a string value as it is, a number or boolean in its JSON
// form, bytes in base64 and slices and maps as JSON.
func (v Value) AsString() string {
	if v.isString() { // most are
		return v.a.AsString()
	}
	switch v.Kind() {
	case KindBool:
		b, _ := v.Bool()
		return strconv.FormatBool(b)
	case KindInt:
		n, _ := v.Int()
		return strconv.FormatInt(n, 10)
	case KindDouble:
		f, _ := v.Float()
		return formatFloat(f)
	case KindEmpty:
		return ""
	}
	return encodeJSON(v.Raw())
}

// Int returns v as an integer: an int, a double with no fraction, or a
// string holding either.
func (v Value) Int() (int64, bool) {
	switch v.Kind() {
	case KindInt:
		return v.a.AsInt64(), true
	case KindDouble:
		f, _ := v.Float()
		return floatToInt(f)
	case KindString:
		s := strings.TrimSpace(v.Str())
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return floatToInt(f)
		}
	}
	return 0, false
}

// Float returns v as a float: a double, an int, or a string holding either.
func (v Value) Float() (float64, bool) {
	switch v.Kind() {
	case KindDouble:
		return v.a.AsFloat64(), true
	case KindInt:
		n, _ := v.Int()
		return float64(n), true
	case KindString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v.Str()), 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// Bool returns a boolean value, or a string "true"/"false".
func (v Value) Bool() (bool, bool) {
	switch v.Kind() {
	case KindBool:
		return v.a.AsBool(), true
	case KindString:
		b, err := strconv.ParseBool(strings.TrimSpace(v.Str()))
		return b, err == nil
	}
	return false, false
}

// Raw returns v as plain Go data: string, bool, int64, float64, []byte,
// []any or map[string]any (nil when empty).
func (v Value) Raw() any { return sdkRaw(v.a) }

func sdkRaw(a attribute.Value) any {
	switch a.Type() {
	case attribute.STRING:
		return a.AsString()
	case attribute.BOOL:
		return a.AsBool()
	case attribute.INT64:
		return a.AsInt64()
	case attribute.FLOAT64:
		return a.AsFloat64()
	case attribute.BYTESLICE:
		return a.AsByteSlice()
	case attribute.STRINGSLICE:
		return toAny(a.AsStringSlice())
	case attribute.INT64SLICE:
		return toAny(a.AsInt64Slice())
	case attribute.FLOAT64SLICE:
		return toAny(a.AsFloat64Slice())
	case attribute.BOOLSLICE:
		return toAny(a.AsBoolSlice())
	case attribute.SLICE:
		vals := a.AsSlice()
		out := make([]any, len(vals))
		for i, e := range vals {
			out[i] = sdkRaw(e)
		}
		return out
	case attribute.MAP:
		kvs := a.AsMap()
		out := make(map[string]any, len(kvs))
		for _, kv := range kvs {
			out[string(kv.Key)] = sdkRaw(kv.Value)
		}
		return out
	}
	return nil
}

func toAny[T any](s []T) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func floatToInt(f float64) (int64, bool) {
	if f != math.Trunc(f) || f > math.MaxInt64 || f < math.MinInt64 || math.IsNaN(f) {
		return 0, false
	}
	return int64(f), true
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// encodeJSON encodes raw data; non-finite floats, which JSON cannot carry,
// become strings first.
func encodeJSON(raw any) string {
	b, err := json.Marshal(raw)
	if err != nil {
		b, err = json.Marshal(finite(raw))
		if err != nil {
			return fmt.Sprint(raw)
		}
	}
	return string(b)
}

func finite(raw any) any {
	switch x := raw.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return formatFloat(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finite(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = finite(e)
		}
		return out
	}
	return raw
}
