package messages

import (
	"strings"
	"unicode/utf8"
)

// TrimSpace is strings.TrimSpace, with no loop for a string that starts
// and ends with an ASCII byte that is no space, as JSON of messages and
// tool arguments does: strings.TrimSpace returns such a string whole, and
// it asks of each chat span's messages and each tool span's arguments.
func TrimSpace(s string) string {
	if s != "" && asciiNonSpace(s[0]) && asciiNonSpace(s[len(s)-1]) {
		return s
	}
	return strings.TrimSpace(s)
}

// asciiNonSpace: above the space, which every ASCII white space is at or
// below, and below the bytes of UTF-8's other runes (U+0085 and U+00A0 are
// white space too).
func asciiNonSpace(c byte) bool { return c > ' ' && c < utf8.RuneSelf }
