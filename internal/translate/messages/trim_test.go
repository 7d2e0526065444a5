package messages

import (
	"strings"
	"testing"
)

// TestTrimSpaceMatchesStrings puts every byte, and white space of every
// kind, at either end of a string.
func TestTrimSpaceMatchesStrings(t *testing.T) {
	ends := []string{"", " ", "\t", "\n", "\v", "\f", "\r", "\u0085", "\u00a0", "\u2028", "\u3000", "\x00", "\x1f", "\x7f", "\xff", "\xc2", "é"}
	for c := range 256 {
		ends = append(ends, string([]byte{byte(c)}))
	}
	for _, a := range ends {
		for _, b := range ends {
			for _, mid := range []string{"", "x", `{"a":1}`, " "} {
				s := a + mid + b
				if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
					t.Fatalf("TrimSpace(%q) = %q, strings.TrimSpace %q", s, got, want)
				}
			}
		}
	}
}
