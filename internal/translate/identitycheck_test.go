package translate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// isASCII against a byte-by-byte reference: every length to 40, with one
// high byte at each position (the first, the overlapped words' edges, the
// tail) and none.
func TestIsASCIIMatchesByteWalk(t *testing.T) {
	byteWalk := func(s string) bool {
		for i := range len(s) {
			if s[i] >= 0x80 {
				return false
			}
		}
		return true
	}
	for n := range 41 {
		base := []byte(strings.Repeat("a", n))
		if got := isASCII(string(base)); !got {
			t.Fatalf("isASCII(%d ASCII bytes) = false", n)
		}
		for i := range n {
			for _, high := range []byte{0x80, 0xc3, 0xff} {
				b := append([]byte(nil), base...)
				b[i] = high
				if got, want := isASCII(string(b)), byteWalk(string(b)); got != want {
					t.Fatalf("isASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

// check with the ASCII fast path answers as utf8.ValidString would: valid
// multi-byte ids pass, broken ones fail, at every length around a word.
func TestIdentityCheckUTF8(t *testing.T) {
	for n := range 24 {
		for _, tail := range []string{"", "é", "日本", "\xff", "\xc3", "a\x80"} {
			v := strings.Repeat("s", n) + tail
			id := identity{fSession: v, fUser: "u"}
			err := id.check()
			if valid := utf8.ValidString(v); (err == nil) != valid {
				t.Fatalf("check(%q) = %v, ValidString %v", v, err, valid)
			}
		}
	}
}
