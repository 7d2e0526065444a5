package wire

import (
	"encoding/binary"
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

// safeRun is the straightforward form of copyPlain's test: the run of
// htmlSafe bytes that starts s.
func safeRun(s string) int {
	i := 0
	for i < len(s) && htmlSafe[s[i]] {
		i++
	}
	return i
}

// TestCopyPlainStopsAtTheSafeRun compares copyPlain's words with the byte
// loop they stand for: every byte at every place of strings of every
// length up to 40, alone and after another special byte. It must copy all
// of a plain string, and stop at or before the first byte that is not,
// with what it passed copied.
func TestCopyPlainStopsAtTheSafeRun(t *testing.T) {
	background := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	check := func(s string) {
		t.Helper()
		out := make([]byte, len(s))
		got, run := copyPlain(out, s), safeRun(s)
		switch {
		case run == len(s) && got != len(s), got > run:
			t.Fatalf("copyPlain(%q) = %d, the safe run is %d", s, got, run)
		case string(out[:got]) != s[:got]:
			t.Fatalf("copyPlain(%q) copied %q", s, out[:got])
		}
	}
	for n := 0; n <= len(background); n++ {
		s := background[:n]
		check(s)
		for at := range n {
			for b := range 256 {
				for _, second := range []int{-1, at + 1, n - 1} {
					buf := []byte(s)
					if second > at && second < n {
						buf[second] = '<'
					}
					buf[at] = byte(b)
					check(string(buf))
				}
			}
		}
	}
}

// TestUnplainWordIsTheTable tests each word test against htmlSafe: every
// byte at every place of a word of plain bytes, then random words of
// bytes near the edges of the ranges it tells apart.
func TestUnplainWordIsTheTable(t *testing.T) {
	check := func(b [8]byte) {
		t.Helper()
		want := false
		for _, c := range b {
			want = want || !htmlSafe[c]
		}
		if got := unplainWord(binary.LittleEndian.Uint64(b[:])); got != want {
			t.Fatalf("unplainWord(%q) = %v, the table says %v", b[:], got, want)
		}
	}
	for at := range 8 {
		for c := range 256 {
			for _, fill := range []byte{' ', '!', '#', '%', '\'', ';', '=', '?', '[', ']', '~', 0x7f, 'a'} {
				b := [8]byte{fill, fill, fill, fill, fill, fill, fill, fill}
				b[at] = byte(c)
				check(b)
			}
		}
	}
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x25, 0x26, 0x27, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
		0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xa0, 0xa2, 0xdc, 0xfe, 0xff}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		var b [8]byte
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = edges[rng.IntN(len(edges))]
			} else {
				b[i] = byte(' ' + rng.IntN(95))
			}
		}
		check(b)
	}
}
