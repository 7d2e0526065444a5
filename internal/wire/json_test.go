package wire

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendStringMatchesEncodingJSON puts every byte, and the UTF-8 that
// needs a look, at every place of strings that cross the eight-byte steps
// of appendString's fast path, and compares with encoding/json.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, err := json.Marshal(s)
		require.NoError(t, err)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json %s", s, got, want)
		}
	}
	background := "abcdefghijklmnopqrstuvwx" // 24 plain bytes: three steps
	var specials []string
	for b := range 256 {
		specials = append(specials, string([]byte{byte(b)}))
	}
	specials = append(specials, "é", "日", "🙂", "\u2028", "\u2029", "\xe2\x80", "\xf0\x9f\x99")
	for _, sp := range specials {
		for at := 0; at <= len(background); at++ {
			check(background[:at] + sp + background[at:])
			check(background[:at] + sp) // the special byte last, or in a short tail
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab <>&\"\\\x00\x1f\x7f\x80\xff\xe2\x80\xa8")
	for range 20_000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = byte(' ' + rng.IntN(95))
			}
		}
		check(string(b))
	}
}

// safeRun is plainPrefix's straightforward form: the run of htmlSafe
// bytes that starts s.
func safeRun(s string) int {
	i := 0
	for i < len(s) && htmlSafe[s[i]] {
		i++
	}
	return i
}

// TestPlainPrefixIsTheSafeRun compares plainPrefix's words with the byte
// loop they stand for: every byte at every place of strings of every
// length up to 40, alone and after another special byte.
func TestPlainPrefixIsTheSafeRun(t *testing.T) {
	background := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	for n := 0; n <= len(background); n++ {
		s := background[:n]
		if got := plainPrefix(s); got != n {
			t.Fatalf("plainPrefix(%q) = %d, want %d", s, got, n)
		}
		for at := range n {
			for b := range 256 {
				for _, second := range []int{-1, at + 1, n - 1} {
					buf := []byte(s)
					if second > at && second < n {
						buf[second] = '<'
					}
					buf[at] = byte(b)
					if got, want := plainPrefix(string(buf)), safeRun(string(buf)); got != want {
						t.Fatalf("plainPrefix(%q) = %d, the byte loop %d", buf, got, want)
					}
				}
			}
		}
	}
}
