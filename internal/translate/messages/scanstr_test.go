package messages

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// scanStrBytewise is scanStr read one byte at a time, as it was before
// the eight-byte steps: the reference they must match.
func scanStrBytewise(s string, at int) (raw string, kind strKind, end int, ok bool) {
	start := at + 1
	for i := start; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[start:i], kind, i + 1, true
		case c < 0x20:
			return "", 0, 0, false
		case c == '\\':
			kind |= hasEscape
			i++
			if i >= len(s) {
				return "", 0, 0, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
					return "", 0, 0, false
				}
				i += 4
			default:
				return "", 0, 0, false
			}
		case c >= utf8.RuneSelf:
			kind |= hasNonASCII
		}
	}
	return "", 0, 0, false
}

// TestScanStrMatchesBytewise puts every byte that needs a look at every
// offset of the eight-byte words, near the input's end and away from it,
// among non-ASCII bytes seen before or after.
func TestScanStrMatchesBytewise(t *testing.T) {
	pieces := []string{"a", "b", " ", `"`, `\`, `\"`, `\\`, `\n`, `\u00e9`, `\u12`, `\q`, "\x01", "\x1f", "\x7f",
		"\x80", "\xff", "é", "日", "\xe2\x80", "~", "!", "#", "]", "}", "0123456789abcdef"}
	check := func(s string) {
		t.Helper()
		p := msgScanner{s: s}
		raw, kind, ok := p.str()
		wantRaw, wantKind, wantEnd, wantOK := scanStrBytewise(s, 0)
		if ok != wantOK || raw != wantRaw || kind != wantKind || (ok && p.i != wantEnd) {
			t.Fatalf("%q: got %q %v %v at %d, want %q %v %v at %d", s, raw, kind, ok, p.i, wantRaw, wantKind, wantOK, wantEnd)
		}
	}
	for _, a := range pieces {
		for _, b := range pieces {
			for pad := range 17 {
				body := strings.Repeat("x", pad) + a + b
				check(`"` + body)
				check(`"` + body + `"`)
				check(`"` + body + `","more":"json after it"}`)
			}
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 100_000 {
		var b strings.Builder
		b.WriteByte('"')
		for range rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString(`"` + strings.Repeat("y", rng.IntN(12)))
		}
		check(b.String())
	}
}

// TestKnownKeyMatchesScannedKey: where knownKey takes a key, reading it
// with str and comparing finds the same field and ends at the same byte;
// where it leaves a key, no name is the key as it is.
func TestKnownKeyMatchesScannedKey(t *testing.T) {
	var keys []string
	for _, names := range [][]string{messageFields, partFields, roleValues.names, typeValues.names, messageKeys.others.names, partKeys.others.names} {
		for _, n := range names {
			keys = append(keys, n, n[:len(n)-1], n+"s", strings.ToUpper(n[:1])+n[1:], strings.ToUpper(n), `\u0072`+n[1:], n+`\"`, n+`\\`)
		}
	}
	keys = append(keys, "", "finish_reason", "x", "é", "_ole", "\x7fole", "@arts", "`arts")
	for _, fields := range []*fieldSet{messageKeys, partKeys, newFieldSet(nil), roleValues, typeValues, messageKeys.others, partKeys.others} {
		names := fields.names
		for _, k := range keys {
			// Keys followed by nothing up to more than eight bytes: the
			// word compare and the compare near the input's end, with a
			// name's word reaching past the key's end or not.
			for _, after := range []string{`":1}`, `"`, ``, `":1,"x":[1,2,3]}`, `x":1,"y":[1,2,3]}`, `\":1,"y":[1,2,3]}`,
				`":`, `":1`, `":12`, `":123`, `":1234`, `":12345`, `":123456`, `":1234567`, `":12345678`} {
				s := `"` + k + after
				p := msgScanner{s: s}
				f := p.knownKey(fields)
				q := msgScanner{s: s}
				raw, kind, ok := q.str()
				want := -1
				if ok && kind == 0 {
					for j, n := range names {
						if raw == n {
							want = j
							break
						}
					}
				}
				if f != want || (f >= 0 && p.i != q.i) || (f < 0 && p.i != 0) {
					t.Fatalf("%q: knownKey %d at %d, scanned %d at %d", s, f, p.i, want, q.i)
				}
			}
			// The look-up by first byte folds as comparing with every name.
			folds := false
			for _, n := range names {
				folds = folds || strings.EqualFold(k, n)
			}
			if fields.foldsToName(k) != folds {
				t.Fatalf("%q: foldsToName %v, EqualFold with a name %v", k, !folds, folds)
			}
		}
	}
}

// TestPeekMatchesSkippingSpace: peek's one-load path gives what skipping
// the white space and then looking does, at every position of inputs with
// and without space, and leaves p at the same byte.
func TestPeekMatchesSkippingSpace(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n\r ", `[{"a" : 1 }]`, " x", "x ", "\x00\x1f !", " \n\"a\"\r\t,"} {
		for i := 0; i <= len(s); i++ {
			p, q := msgScanner{s: s, i: i}, msgScanner{s: s, i: i}
			got := p.peek()
			q.wsRun()
			var want byte
			if q.i < len(q.s) {
				want = q.s[q.i]
			}
			if got != want || p.i != q.i {
				t.Fatalf("%q at %d: peek %q at %d, want %q at %d", s, i, got, p.i, want, q.i)
			}
		}
	}
}
