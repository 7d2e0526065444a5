package redact

import (
	"encoding/json"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// maxDepth bounds the nesting the JSON walk follows; deeper text is
// redacted as plain text.
const maxDepth = 200

// json redacts s, a JSON object or array, inside its string values (keys
// and structure unchanged) and replaces numbers that are card numbers by
// the string "[card]". ok is false when s is not valid JSON: it is then
// for plain text.
func (r *Redactor) json(s string) (out string, ok bool) {
	w := jsonWalk{r: r, s: s}
	w.space()
	if !w.value(0) {
		return "", false
	}
	if w.space(); w.i != len(s) {
		return "", false
	}
	if w.out == nil {
		return s, true
	}
	w.out = append(w.out, s[w.copied:]...)
	return string(w.out), true
}

// jsonWalk is a strict recursive-descent reader of JSON that writes out
// only once something changed: out holds s up to copied, rewritten.
type jsonWalk struct {
	r      *Redactor
	s      string
	i      int
	out    []byte
	copied int
}

func (w *jsonWalk) space() {
	for w.i < len(w.s) {
		switch w.s[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

func (w *jsonWalk) value(depth int) bool {
	if w.i >= len(w.s) || depth > maxDepth {
		return false
	}
	switch c := w.s[w.i]; {
	case c == '{':
		return w.container(depth, '}', true)
	case c == '[':
		return w.container(depth, ']', false)
	case c == '"':
		return w.str(true)
	case c == '-' || (c >= '0' && c <= '9'):
		return w.number()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(w.s)-w.i >= len(lit) && w.s[w.i:w.i+len(lit)] == lit {
				w.i += len(lit)
				return true
			}
		}
		return false
	}
}

// container reads an object (keyed) or an array from its opening byte.
func (w *jsonWalk) container(depth int, closing byte, keyed bool) bool {
	w.i++
	w.space()
	if w.i < len(w.s) && w.s[w.i] == closing {
		w.i++
		return true
	}
	for {
		if keyed {
			if w.i >= len(w.s) || w.s[w.i] != '"' || !w.str(false) {
				return false
			}
			if w.space(); w.i >= len(w.s) || w.s[w.i] != ':' {
				return false
			}
			w.i++
			w.space()
		}
		if !w.value(depth + 1) {
			return false
		}
		w.space()
		if w.i >= len(w.s) {
			return false
		}
		switch w.s[w.i] {
		case ',':
			w.i++
			w.space()
		case closing:
			w.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string; a value (not a key) is redacted.
func (w *jsonWalk) str(redact bool) bool {
	start := w.i
	w.i++
	escaped := false
	for {
		if w.i >= len(w.s) {
			return false
		}
		c := w.s[w.i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return false
		}
		if c == '\\' {
			escaped = true
			if w.i++; w.i >= len(w.s) {
				return false
			}
			switch w.s[w.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if w.i+4 >= len(w.s) || run(w.s[w.i+1:w.i+5], 0, cHex) != 4 {
					return false
				}
				w.i += 4
			default:
				return false
			}
		}
		w.i++
	}
	w.i++ // the closing quote
	if !redact {
		return true
	}
	text := w.s[start+1 : w.i-1]
	if escaped {
		var err error
		if text, err = unquote(w.s[start:w.i]); err != nil {
			return false
		}
	}
	if red := w.r.plain(text); red != text {
		w.replace(start, wire.AppendString(nil, red))
	}
	return true
}

func (w *jsonWalk) number() bool {
	start := w.i
	if w.s[w.i] == '-' {
		w.i++
	}
	intStart := w.i
	w.i = run(w.s, w.i, cDigit)
	if w.i == intStart || (w.s[intStart] == '0' && w.i-intStart > 1) {
		return false
	}
	intEnd := w.i
	if w.i < len(w.s) && w.s[w.i] == '.' {
		w.i++
		if f := run(w.s, w.i, cDigit); f == w.i {
			return false
		} else {
			w.i = f
		}
	}
	if w.i < len(w.s) && (w.s[w.i] == 'e' || w.s[w.i] == 'E') {
		w.i++
		if w.i < len(w.s) && (w.s[w.i] == '+' || w.s[w.i] == '-') {
			w.i++
		}
		if e := run(w.s, w.i, cDigit); e == w.i {
			return false
		} else {
			w.i = e
		}
	}
	if w.r.on&(1<<detCard) != 0 && start == intStart && w.i == intEnd && w.i-start >= 13 && w.i-start <= 19 &&
		cardNumber([]byte(w.s[start:w.i])) {
		w.r.counts[detCard].Add(1)
		w.replace(start, []byte(`"`+builtinMarkers[detCard]+`"`))
	}
	return true
}

// replace writes repl for s[start:w.i].
func (w *jsonWalk) replace(start int, repl []byte) {
	if w.out == nil {
		w.out = make([]byte, 0, len(w.s)+16)
	}
	w.out = append(w.out, w.s[w.copied:start]...)
	w.out = append(w.out, repl...)
	w.copied = w.i
}

// unquote decodes a JSON string with escapes; apart from str's fast path,
// so that its result does not move every string read to the heap.
func unquote(quoted string) (string, error) {
	var text string
	err := json.Unmarshal([]byte(quoted), &text)
	return text, err
}
