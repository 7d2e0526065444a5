package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly-10", 10, "exactly-10"},
		{"ééééé", 5, "ééééé"}, // 10 bytes, 5 characters: not cut
		{"abcdefghijklmnopqrstuvwxyz", 20, "abcdefgh" + TruncationMark},
		{"日本語のテキストがとても長いのでここで切ります", 14, "日本" + TruncationMark},
		{"abcdefghij", 5, "abcde"}, // the mark does not fit: a plain cut
		{"anything", 0, "anything"},
	} {
		got := truncate(tc.in, tc.limit)
		assert.Equal(t, tc.want, got, "%q at %d", tc.in, tc.limit)
		if tc.limit > 0 {
			assert.LessOrEqual(t, len([]rune(got)), tc.limit)
		}
	}
}
