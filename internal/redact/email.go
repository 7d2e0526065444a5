package redact

import "strings"

// findEmails appends the e-mail addresses of s, found from their '@':
// local@domain.tld, the top-level domain of two letters or more.
func findEmails(s string, dst []match) []match {
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return dst
		}
		at := off + k
		off = at + 1
		start := at
		for start > 0 && class[s[start-1]]&cLocal != 0 {
			start--
		}
		for start < at && s[start] == '.' {
			start++
		}
		end := run(s, at+1, cDomain)
		for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		if start == at || end == at+1 {
			continue
		}
		dot := strings.LastIndexByte(s[at+1:end], '.')
		if dot <= 0 {
			continue
		}
		tld := s[at+2+dot : end]
		if len(tld) < 2 || run(tld, 0, cUpper|cLower) != len(tld) {
			continue
		}
		dst = append(dst, match{start, end, detEmail})
		off = end
	}
}
