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
	// A key compared a word at a time (msgScanner.knownKey): names[j] and
	// its closing quote are size[j] bytes, the first eight of them word[j]
	// (little-endian) where mask[j] is set, the next eight word2[j] where
	// mask2[j] is.
	word, mask, word2, mask2 [8]uint64
	size                     [8]uint8
	// others are common keys of the shape that are none of names, not
	// even case-insensitively (an output message's finish_reason): their
	// values are skipped without a scan of the key and a fold check.
	others *fieldSet
}

// withOthers sets fs.others to the names others.
func (fs *fieldSet) withOthers(others ...string) *fieldSet {
	for _, o := range others {
		if fs.foldsToName(o) {
			panic("messages: " + o + " folds to a field name")
		}
	}
	fs.others = newFieldSet(others)
	return fs
}

func newFieldSet(names []string) *fieldSet {
	if len(names) > 8 {
		panic("messages: a fieldSet holds at most 8 names")
	}
	fs := &fieldSet{names: names}
	for j, n := range names {
		if len(n) > 15 {
			panic("messages: a field name longer than 15 bytes")
		}
		key := n + `"`
		fs.size[j] = uint8(len(key))
		for k := range len(key) {
			if k < 8 {
				fs.word[j] |= uint64(key[k]) << (8 * k)
				fs.mask[j] |= 0xff << (8 * k)
			} else {
				fs.word2[j] |= uint64(key[k]) << (8 * (k - 8))
				fs.mask2[j] |= 0xff << (8 * (k - 8))
			}
		}
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
