package redact

import (
	"slices"
	"strings"
)

// match is a value found in a string: its bytes and its detector.
type match struct {
	start, end int
	det        int
}

// Character classes, a table lookup per byte.
const (
	cDigit  = 1 << iota
	cUpper  // A-Z
	cLower  // a-z
	cKey    // a key's characters: letters, digits and -_+/
	cHex    // 0-9 a-f A-F
	cLocal  // an e-mail address's local part: letters, digits and ._%+-
	cDomain // a domain: letters, digits, '-' and '.'
	cToken  // a bearer token: letters, digits and -._~+/=
	cURL    // URL-safe base64: letters, digits, '-' and '_'
	cKeyAt  // the first letters of the keys keyAt knows: s, b, B, A, g, x, e
	cPhone  // '+' and '(', which may begin a phone number

	alnum = cDigit | cUpper | cLower
)

var class = func() (t [256]uint16) {
	for c := range 256 {
		b := byte(c)
		switch {
		case b >= '0' && b <= '9':
			t[c] = cDigit | cKey | cHex | cLocal | cDomain | cToken
		case b >= 'A' && b <= 'Z':
			t[c] = cUpper | cKey | cLocal | cDomain | cToken
		case b >= 'a' && b <= 'z':
			t[c] = cLower | cKey | cLocal | cDomain | cToken
		}
		if (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F') {
			t[c] |= cHex
		}
		if strings.IndexByte("-_+/", b) >= 0 {
			t[c] |= cKey
		}
		if strings.IndexByte("._%+-", b) >= 0 {
			t[c] |= cLocal
		}
		if b == '-' || b == '.' {
			t[c] |= cDomain
		}
		if strings.IndexByte("-._~+/=", b) >= 0 {
			t[c] |= cToken
		}
		if t[c]&(cDigit|cUpper|cLower) != 0 || b == '-' || b == '_' {
			t[c] |= cURL
		}
		if strings.IndexByte("sbBAgxe", b) >= 0 {
			t[c] |= cKeyAt
		}
		if b == '+' || b == '(' {
			t[c] |= cPhone
		}
	}
	return t
}()

func is(s string, i int, c uint16) bool { return i >= 0 && i < len(s) && class[s[i]]&c != 0 }

// run returns the end of the run of bytes of class c that starts at i.
func run(s string, i int, c uint16) int {
	for i < len(s) && class[s[i]]&c != 0 {
		i++
	}
	return i
}

// find appends the values the built-in detectors on find in s to dst.
// E-mail addresses are found from their '@'; the other detectors are tried
// at the start of each word (a run of letters and digits), by its first
// byte, so ordinary text costs a table lookup per byte. After a value the
// scan goes on in the rest of s as a string of its own: what follows a
// value is judged as it will read once the value is a marker.
func (r *Redactor) find(s string, dst []match) []match {
	on := r.on
	if on&(1<<detEmail) != 0 {
		dst = findEmails(s, dst)
	}
	if on&^(1<<detEmail) == 0 {
		return dst
	}
	phone := on&(1<<detPhone) != 0
	keys := on&(1<<detKey) != 0
	genericUntil := 0 // the key tokens before it were looked at
	v6Until := 0      // no IPv6 address starts inside a run of hex and colons that was none
	off := 0          // of s in the string find was given
	for i := 0; i < len(s); {
		if i = skipPlain(s, i); i == len(s) {
			break
		}
		c := s[i]
		k := class[c]
		start, end, det := 0, 0, 0
		if k&alnum == 0 {
			if phone && (c == '+' || c == '(') && is(s, i+1, cDigit) && !is(s, i-1, alnum) {
				start, end, det = i, phoneAt(s, i), detPhone
			}
			if end == 0 {
				i++
				continue
			}
		} else {
			w := run(s, i+1, alnum)
			// Most words are letters that begin no value: a word starting
			// with a digit, a key's letter, an IBAN's country code, or
			// followed by ':' (IPv6) is looked at closer.
			if k&(cDigit|cKeyAt) != 0 || (w < len(s) && s[w] == ':') || (k&cUpper != 0 && isDigit(s, i+2)) {
				start, end, det = r.word(s, i, w, k, &v6Until)
			}
			// A key token is 32 bytes long at least: a shorter word that
			// ends the token (no -_+/ after it) is none.
			if end == 0 && keys && i >= genericUntil && (w-i >= 32 || is(s, w, cKey)) {
				var ok bool
				if end, ok = genericKeyAt(s, i); ok {
					start, det = i, detKey
				} else {
					genericUntil, end = end, 0
				}
			}
			if end == 0 {
				i = w
				continue
			}
		}
		dst = append(dst, match{off + start, off + end, det})
		s, off, i, genericUntil, v6Until = s[end:], off+end, 0, 0, 0
	}
	return dst
}

// skipPlain returns the first byte from i on that may begin a value (or
// len(s)), skipping the words of letters that begin none (short, not a
// key's first letter, not a country code, not followed by ':' or a key's
// -_+/) and the bytes between them other than '+' and '('. Most text is
// skipped here, in a loop of a few instructions per byte.
func skipPlain(s string, i int) int {
	for i < len(s) {
		k := class[s[i]]
		if k&alnum == 0 {
			if k&cPhone != 0 {
				return i
			}
			i++
			continue
		}
		if k&(cDigit|cKeyAt) != 0 || (k&cUpper != 0 && isDigit(s, i+2)) {
			return i
		}
		w := i + 1
		for w < len(s) && class[s[w]]&alnum != 0 {
			w++
		}
		if w-i >= 32 || (w < len(s) && (s[w] == ':' || class[s[w]]&cKey != 0)) {
			return i
		}
		i = w
	}
	return i
}

// word tries the detectors that a word starting at i (ending at w, its
// first byte of class k) may begin: the bounds of a value and its
// detector, or an end of 0. A value starts at i but for a bearer token,
// which follows its word.
func (r *Redactor) word(s string, i, w int, k uint16, v6Until *int) (start, end, det int) {
	on := r.on
	if k&cDigit != 0 {
		if on&(1<<detSSN) != 0 && w-i == 3 {
			if end := ssnAt(s, i); end > 0 {
				return i, end, detSSN
			}
		}
		if on&(1<<detCard) != 0 {
			if end := cardAt(s, i); end > 0 {
				return i, end, detCard
			}
		}
		if on&(1<<detPhone) != 0 {
			if end := phoneAt(s, i); end > 0 {
				return i, end, detPhone
			}
		}
		if on&(1<<detIP) != 0 && w < len(s) && s[w] == '.' {
			if end := ipv4At(s, i); end > 0 {
				return i, end, detIP
			}
		}
	} else if k&cUpper != 0 {
		if on&(1<<detIBAN) != 0 && w-i >= 4 {
			if end := ibanAt(s, i); end > 0 {
				return i, end, detIBAN
			}
		}
	}
	if on&(1<<detIP) != 0 && k&cHex != 0 && w < len(s) && s[w] == ':' && i >= *v6Until {
		end, scanned := ipv6At(s, i)
		if end > 0 {
			return i, end, detIP
		}
		*v6Until = scanned
	}
	if on&(1<<detKey) != 0 && k&cDigit == 0 {
		if start, end := keyAt(s, i, w); end > 0 {
			return start, end, detKey
		}
	}
	return 0, 0, 0
}

// merge sorts the matches and joins those that overlap, so that every
// byte any detector found is removed.
func merge(ms []match) []match {
	if len(ms) == 1 {
		return ms
	}
	slices.SortFunc(ms, func(a, b match) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := ms[:1]
	for _, m := range ms[1:] {
		last := &out[len(out)-1]
		if m.start < last.end {
			last.end = max(last.end, m.end)
			continue
		}
		out = append(out, m)
	}
	return out
}

// replace returns s with each match replaced by its detector's marker,
// counted.
func (r *Redactor) replace(s string, ms []match) string {
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.start])
		b.WriteString(builtinMarkers[m.det])
		r.counts[m.det].Add(1)
		last = m.end
	}
	b.WriteString(s[last:])
	return b.String()
}
