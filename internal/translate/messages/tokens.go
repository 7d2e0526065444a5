package messages

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

func (p *msgScanner) literal(lit string) bool {
	if !strings.HasPrefix(p.s[p.i:], lit) {
		return false
	}
	p.i += len(lit)
	return true
}

// number passes over a number of JSON's grammar.
func (p *msgScanner) number() bool {
	s, i := p.s, p.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && isDigit(s[i]):
		i = digits(s, i+1)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	p.i = i
	return true
}

// digits returns the end of the run of digits of s from i.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// strKind says what a string's body holds besides plain ASCII.
type strKind uint8

const (
	hasEscape   strKind = 1 << iota // a backslash
	hasNonASCII                     // bytes from 0x80: UTF-8, or not
)

// str passes over a string (p at '"') and returns its raw content, the
// body between the quotes; kind says whether it has escapes or bytes that
// are not ASCII, so that its value must be decoded (decodeBody).
func (p *msgScanner) str() (raw string, kind strKind, ok bool) { return p.scanStr() }

// text is str for a message's text.
func (p *msgScanner) text() (raw string, kind strKind, ok bool) { return p.scanStr() }

func (p *msgScanner) scanStr() (raw string, kind strKind, ok bool) {
	s := p.s
	start := p.i + 1
	// watch holds the high bits of non-ASCII bytes: they need a look until
	// the first one has set kind, then no more.
	watch := uint64(highBits)
	for i := start; ; i++ {
		// Go to the next byte that needs a look (a quote, a backslash, a
		// control byte, non-ASCII while watched), eight bytes a step: the
		// lowest flagged byte of the word is the first such byte (after
		// "Bit Twiddling Hacks": haszero, hasless, whose false positives
		// are only above a true one); near the input's end, byte by byte.
		// A byte's high bit in x^'"' and x^'\' is its own, so one &^x
		// keeps the three tests to the bytes below 0x80.
	words:
		for ; i+8 <= len(s); i += 8 {
			x := load64(s[i : i+8])
			q, b := x^'"'*lowBits, x^'\\'*lowBits
			if m := (((x-0x20*lowBits)|(q-lowBits)|(b-lowBits))&^x | x&watch) & highBits; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break words
			}
		}
		if i+8 > len(s) {
			for i < len(s) && (plainByte[s[i]] || s[i] >= utf8.RuneSelf && watch == 0) {
				i++
			}
			if i == len(s) {
				return "", 0, false
			}
		}
		switch c := s[i]; {
		case c == '"':
			p.i = i + 1
			return s[start:i], kind, true
		case c < 0x20:
			return "", 0, false
		case c == '\\':
			kind |= hasEscape
			i++
			if i >= len(s) {
				return "", 0, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
					return "", 0, false
				}
				i += 4
			default:
				return "", 0, false
			}
		case c >= utf8.RuneSelf:
			kind |= hasNonASCII
			watch = 0
		}
	}
}

// Eight bytes a step (msgScanner.scanStr).
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// plainByte marks the bytes a string may hold as they are: ASCII, neither
// a control character, a quote nor a backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// strValue reads a string (p at '"') and returns its value: a substring of
// the input when it needs no decoding (no escapes, valid UTF-8), else what
// encoding/json makes of it (invalid UTF-8 and lone surrogates as U+FFFD).
func (p *msgScanner) strValue() (string, bool) {
	raw, kind, ok := p.str()
	if !ok {
		return "", false
	}
	return decodeBody(raw, kind), true
}

// unquote decodes the body of a JSON string that str accepted (its escapes
// well formed, no control bytes; nonASCII when it has bytes from 0x80) as
// encoding/json's unquote does: invalid UTF-8 and lone surrogates become
// U+FFFD, a \u pair of surrogates one rune. Every kept text with a newline
// or a quote comes here; json.Unmarshal of it validated the string a second
// time and decoded it by reflection.
func unquote(raw string, nonASCII bool) string {
	b := make([]byte, 0, len(raw))
	for {
		// The text up to the next escape: in one copy when it is ASCII or
		// valid UTF-8, as text mostly is.
		run := raw
		if j := strings.IndexByte(raw, '\\'); j >= 0 {
			run = raw[:j]
		}
		if !nonASCII || utf8.ValidString(run) {
			b = append(b, run...)
		} else {
			b = appendReplacingInvalid(b, run)
		}
		raw = raw[len(run):]
		if raw == "" {
			return string(b)
		}
		n := 2 // the escape's length
		switch e := raw[1]; e {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(raw[2:6])
			n = 6
			if utf16.IsSurrogate(r) {
				next := rune(-1)
				if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' && isHex4(raw[8:12]) {
					next = hex4(raw[8:12])
				}
				if dec := utf16.DecodeRune(r, next); dec != unicode.ReplacementChar {
					r, n = dec, 12
				} else {
					r = unicode.ReplacementChar // a lone surrogate
				}
			}
			b = utf8.AppendRune(b, r)
		default: // " \ /
			b = append(b, e)
		}
		raw = raw[n:]
	}
}

// appendReplacingInvalid appends s with each byte that is not UTF-8 as
// U+FFFD, as encoding/json decodes it (one for each such byte).
func appendReplacingInvalid(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, unicode.ReplacementChar)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// hex4 is the value of four hex digits (isHex4 checked them).
func hex4(s string) rune {
	var r rune
	for i := range 4 {
		c := rune(s[i])
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | c
	}
	return r
}
