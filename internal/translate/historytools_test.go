package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRunKeyHashTellsKeysApart: toolRuns keeps the hash of a run's key, not
// the key: keys that differ in any field, or only in where a string ends,
// hash apart; equal keys alike (the strings' bytes, not their pointers).
func TestRunKeyHashTellsKeysApart(t *testing.T) {
	keys := []runKey{
		{id: "call_1"}, {id: "call_2"}, {session: "call_1"}, {name: "call_1"},
		{session: "s", name: "get_weather"}, {session: "s", name: "get_time"}, {session: "t", name: "get_weather"},
		{session: "sg", name: "et_weather"}, {trace: [16]byte{1}, name: "get_weather"}, {trace: [16]byte{2}, name: "get_weather"},
		{id: "call_1", session: "s"}, {},
	}
	seen := map[uint64]runKey{}
	for _, k := range keys {
		h := k.hash()
		if other, ok := seen[h]; ok {
			t.Errorf("%+v and %+v hash alike", k, other)
		}
		seen[h] = k
		copied := runKey{id: string([]byte(k.id)), session: string([]byte(k.session)), trace: k.trace, name: string([]byte(k.name))}
		assert.Equal(t, h, copied.hash(), "an equal key hashes alike: %+v", k)
	}
}

// TestRunKeyHashTellsCombinationsApart: every combination of a few ids,
// sessions, traces and names (empty ones too, and strings that are
// another's prefix) hashes apart.
func TestRunKeyHashTellsCombinationsApart(t *testing.T) {
	strs := []string{"", "a", "ab", "b", "call_1", "get_weather"}
	traces := [][16]byte{{}, {1}, {15: 1}, {1, 15: 1}}
	seen := map[uint64]runKey{}
	for _, id := range strs {
		for _, session := range strs {
			for _, tr := range traces {
				for _, name := range strs {
					k := runKey{id: id, session: session, trace: tr, name: name}
					if other, ok := seen[k.hash()]; ok {
						t.Fatalf("%+v and %+v hash alike", k, other)
					}
					seen[k.hash()] = k
				}
			}
		}
	}
}
