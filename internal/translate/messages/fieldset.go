package messages

import (
	"math/bits"
	"strings"
)

// fieldSet is the field names of an object shape, indexed by their first
// byte: a key is compared only with the names that start as it does (an
// output's "finish_reason" with "function_call" alone, not with all eight).
type fieldSet struct {
	names []string
	// byFirst has bit j set at names[j]'s first byte; foldFirst also at
	// that byte's other ASCII case, for the case-insensitive look-up.
	byFirst, foldFirst [256]uint8
}

func newFieldSet(names []string) *fieldSet {
	if len(names) > 8 {
		panic("messages: a fieldSet holds at most 8 names")
	}
	fs := &fieldSet{names: names}
	for j, n := range names {
		c := n[0]
		fs.byFirst[c] |= 1 << j
		fs.foldFirst[c] |= 1 << j
		switch {
		case c >= 'a' && c <= 'z':
			fs.foldFirst[c-'a'+'A'] |= 1 << j
		case c >= 'A' && c <= 'Z':
			fs.foldFirst[c-'A'+'a'] |= 1 << j
		}
	}
	return fs
}

// foldsToName reports whether key, ASCII and none of the names as it is,
// equals one of them case-insensitively, as encoding/json would match it.
// ASCII folds only to ASCII of the same length, so a name that folds to
// the key starts with the key's first byte in either case.
func (fs *fieldSet) foldsToName(key string) bool {
	if key == "" {
		return false
	}
	for c := fs.foldFirst[key[0]]; c != 0; c &= c - 1 {
		n := fs.names[bits.TrailingZeros8(c)]
		if len(key) == len(n) && strings.EqualFold(key, n) {
			return true
		}
	}
	return false
}
