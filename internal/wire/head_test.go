package wire

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKnownHeadIsTheWrittenHead compares knownHead's pre-written heads with
// the heads appendTypeAndName writes, for the contract's types and track
// names and for strings next to them, and checks that every one is found.
func TestKnownHeadIsTheWrittenHead(t *testing.T) {
	types := []string{"", "track", "Track", "track ", "start_session", "end_session", "identify", "alias", "x"}
	names := []string{"", "Other", "Conversation", "Conversation turn", "Conversation Turns", "<Conversation Turn>"}
	for name := range trackKinds {
		names = append(names, name, name[:len(name)-1]+"x", name+" ")
	}
	for typ := range typeKinds {
		types = append(types, typ, typ+"s")
	}
	found := map[string]bool{}
	for _, typ := range types {
		for _, name := range names {
			head := knownHead(typ, name)
			if head == "" {
				continue
			}
			found[head] = true
			require.Equal(t, string(appendTypeAndName(nil, typ, name)), head, "type %q, name %q", typ, name)
		}
	}
	require.Len(t, found, len(knownHeads), "every known head is found")
	for name := range trackKinds {
		require.NotEmpty(t, knownHead("track", name), name)
	}
}
