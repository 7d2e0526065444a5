package wire

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON values written by hand, appending to a caller's buffer: json.Marshal
// of an event costs about a dozen allocations (reflection, the map's sorted
// keys, the result), and the queue encodes every event it takes. The output
// is byte for byte what encoding/json produces: map keys sorted, HTML-safe
// string escaping, ES6 number formatting, the same errors for NaN, ±Inf and
// bad json.Number literals. Values of kinds the contract does not allow (an
// event assembled by hand may hold any) go through encoding/json itself.

// property is one entry of a Properties map, for sorting.
type property struct {
	key   string
	value any
}

// AppendObject appends p as a JSON object, keys sorted as encoding/json
// sorts them (byte-wise).
func AppendObject(dst []byte, p map[string]any) ([]byte, error) {
	var local [16]property // most events have a handful: no allocation
	entries := local[:0]
	for k, v := range p {
		entries = append(entries, property{k, v})
	}
	slices.SortFunc(entries, func(a, b property) int { return strings.Compare(a.key, b.key) })
	dst = append(dst, '{')
	var err error
	for i, e := range entries {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, e.key)
		dst = append(dst, ':')
		if dst, err = AppendValue(dst, e.value); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// AppendValue appends one property value. The scalar kinds the contract
// allows are encoded here; anything else by encoding/json.
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return AppendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return dst, MarshalError(v)
		}
		return AppendFloat(dst, x, 64), nil
	case float32:
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, MarshalError(v)
		}
		return AppendFloat(dst, float64(x), 32), nil
	case json.Number:
		s := string(x)
		if s == "" {
			s = "0" // as encoding/json writes the zero Number
		}
		if !validNumber(s) {
			return dst, MarshalError(v)
		}
		return append(dst, s...), nil
	case nil:
		return append(dst, "null"...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// MarshalError is the error encoding/json gives for v, so that a bad value
// fails the same way on both paths.
func MarshalError(v any) error {
	_, err := json.Marshal(v)
	return err
}

// AppendFloat formats f as encoding/json does: like ES6, shortest
// round-tripping digits, exponent form only below 1e-6 or from 1e21, and
// no leading zero in a negative exponent.
func AppendFloat(dst []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// AppendString appends s as a JSON string, escaped as encoding/json escapes
// it: short escapes for \b \f \n \r \t, \u00XX for other control bytes and
// for < > &, U+FFFD for invalid UTF-8, and U+2028 and U+2029 escaped. Most
// strings (ids, names, plain text) need none: they are checked and copied
// in one pass (copyPlain).
func AppendString(dst []byte, s string) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(s)+2)[:n+len(s)+2]
	dst[n] = '"'
	if i := copyPlain(dst[n+1:n+1+len(s)], s); i < len(s) {
		return appendEscaped(dst[:n], s, i)
	}
	dst[len(dst)-1] = '"'
	return dst
}

// Word-at-a-time tests of eight bytes (after "Bit Twiddling Hacks",
// haszero and hasless), for copyPlain and stringText.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// copyPlain copies s to out (as long) eight bytes a step while they are
// htmlSafe, and returns len(s) when all are, else an index i at or before
// the first byte that is not: s[:i] is plain and copied. A word is tested
// and stored from a register, where a table lookup a byte and a copy after
// took three times the instructions. The last word is the last eight
// bytes, stored over bytes already stored with the same values; a string
// of four to seven bytes is two such halves, tested as one word.
func copyPlain(out []byte, s string) int {
	n := len(s)
	out = out[:n]
	if n < 8 {
		if n < 4 {
			for i := range n {
				if !htmlSafe[s[i]] {
					return i
				}
				out[i] = s[i]
			}
			return n
		}
		head, tail := load32(s, 0), load32(s, n-4)
		if unplainWord(uint64(head) | uint64(tail)<<32) {
			return 0
		}
		binary.LittleEndian.PutUint32(out, head)
		binary.LittleEndian.PutUint32(out[n-4:], tail)
		return n
	}
	i := 0
	for ; i < n-8; i += 8 {
		w := load64(s, i)
		if unplainWord(w) {
			return i
		}
		binary.LittleEndian.PutUint64(out[i:], w)
	}
	w := load64(s, n-8)
	if unplainWord(w) {
		return i // the bytes before i are plain
	}
	binary.LittleEndian.PutUint64(out[n-8:], w)
	return n
}

// load64 and load32 are the eight or four bytes of s at i, little-endian:
// one load.
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func load32(s string, i int) uint32 {
	b := s[i : i+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// unplainWord says whether a byte of w is not htmlSafe: below 0x20
// (w-0x20 borrows), " or & (w|0x04 is 0x26), < or > (w|0x02 is 0x3e), \
// (the xor leaves a zero byte, which -1 borrows from), or 0x80 and up (it
// keeps its high bit through the backslash term, whose -1 clears it only
// for 0xdc, which w-0x20 flags). The lowest such byte is flagged, no
// borrow coming from the plain bytes below it, and a plain word borrows
// nowhere: the test is exact.
func unplainWord(w uint64) bool {
	ctl := w - 0x20*lowBits
	quoteAmp := (w | 0x04*lowBits) ^ 0x26*lowBits - lowBits
	angle := (w | 0x02*lowBits) ^ 0x3e*lowBits - lowBits
	backslash := w ^ 0x5c*lowBits - lowBits
	return (ctl|quoteAmp|angle|backslash)&highBits != 0
}

// htmlSafe marks the bytes a JSON string holds as they are under
// encoding/json's HTML-safe escaping: ASCII but for the bytes below 0x20
// and " \ < > & (DEL, 0x7f, is kept, as encoding/json keeps it). Bytes
// from 0x80 are UTF-8, which appendEscaped checks.
var htmlSafe = func() (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendEscaped is AppendString for s whose bytes from i on need a look.
func appendEscaped(dst []byte, s string, i int) []byte {
	dst = append(dst, '"')
	dst = append(dst, s[:i]...)
	start := i
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// validNumber reports whether s is a JSON number literal (RFC 8259), the
// check encoding/json makes of a json.Number.
func validNumber(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	digits := func() int {
		n := 0
		for n < len(s) && '0' <= s[n] && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n
	}
	switch {
	case s == "":
		return false
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		digits()
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		s = s[1:]
		digits()
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
		}
		if digits() == 0 {
			return false
		}
	}
	return s == ""
}
