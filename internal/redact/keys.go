package redact

import "strings"

// keyAt matches a key or token of a known shape at the word s[i:w]: the
// bounds of the secret (for "Bearer <token>" the token only), or an end of
// 0.
func keyAt(s string, i, w int) (start, end int) {
	n := len(s)
	switch s[i] {
	case 's': // OpenAI and Anthropic: sk-…, sk-proj-…, sk-ant-…
		if w-i == 2 && s[i+1] == 'k' && w < n && s[w] == '-' {
			if e := run(s, w+1, cURL); e-(w+1) >= 20 {
				return i, e
			}
		}
	case 'B', 'b':
		if w-i == 6 && w+1 < n && s[w] == ' ' && strings.EqualFold(s[i:w], "bearer") {
			if e := run(s, w+1, cToken); e-(w+1) >= 16 {
				return w + 1, e
			}
		}
	case 'A':
		if w-i == 20 && (strings.HasPrefix(s[i:], "AKIA") || strings.HasPrefix(s[i:], "ASIA")) && run(s, i, cUpper|cDigit) == w {
			return i, w // AWS access key ids
		}
		if strings.HasPrefix(s[i:w], "AIza") {
			if e := run(s, i, cURL); e-i == 39 {
				return i, e // Google API keys
			}
		}
	case 'g': // GitHub
		if w-i == 3 && w < n && s[w] == '_' && s[i+1] == 'h' && strings.IndexByte("pousr", s[i+2]) >= 0 {
			if e := run(s, w+1, alnum); e-(w+1) >= 36 {
				return i, e
			}
		}
		if strings.HasPrefix(s[i:], "github_pat_") {
			if e := run(s, i+11, alnum|cURL); e-(i+11) >= 22 {
				return i, e
			}
		}
	case 'x': // Slack: xoxb-, xoxp-, …
		if w-i == 4 && w < n && s[w] == '-' && strings.HasPrefix(s[i:], "xox") && strings.IndexByte("abposr", s[i+3]) >= 0 {
			if e := run(s, w+1, cURL); e-(w+1) >= 10 {
				return i, e
			}
		}
	case 'e': // JSON Web Tokens: three base64url parts
		if strings.HasPrefix(s[i:w], "eyJ") {
			a := run(s, i, cURL)
			if a-i >= 10 && a < n && s[a] == '.' {
				b := run(s, a+1, cURL)
				if b-(a+1) >= 10 && b < n && s[b] == '.' {
					return i, run(s, b+1, cURL)
				}
			}
		}
	}
	return 0, 0
}

// genericKeyAt matches a token of 32 or more letters, digits and -_+/
// (and '=' padding) at i that mixes upper case, lower case and digits as
// random keys do: a change of class at every third character at least,
// digits in two places at least. Otherwise it returns the token's end,
// before which no token of this shape starts.
func genericKeyAt(s string, i int) (int, bool) {
	e := run(s, i, cKey)
	if e-i < 32 {
		return e, false
	}
	var seen, prev uint16
	changes, digitRuns := 0, 0
	for k := i; k < e; k++ {
		c := class[s[k]] & alnum
		if c != prev {
			changes++
			if c == cDigit {
				digitRuns++
			}
			prev = c
		}
		seen |= c
	}
	if seen != alnum || changes*3 < e-i || digitRuns < 2 {
		return e, false
	}
	for p := 0; p < 2 && e < len(s) && s[e] == '='; p++ {
		e++
	}
	return e, true
}
