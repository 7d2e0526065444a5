package translate

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestCompactHooks: the hooks package mindlytics sets are the functions
// this package asserts them to (a drifted signature panics at start-up;
// this names the cause), and what they make encodes and expands.
func TestCompactHooks(t *testing.T) {
	require.NotNil(t, compactTurn)
	require.NotNil(t, compactCall)
	require.NotNil(t, compactUsage)
	require.NotNil(t, expandEvent)
	ev, err := compactTurn(mindlytics.Identity{SessionID: "s"}, "c", mindlytics.Turn{User: "u", Assistant: "a"})
	require.NoError(t, err)
	require.Nil(t, ev.Properties, "compact")
	b, err := ev.AppendJSON(nil)
	require.NoError(t, err)
	require.Equal(t, `{"type":"track","event":"Conversation Turn","session_id":"s","conversation_id":"c","properties":{"assistant":"a","user":"u"}}`, string(b))
	require.Equal(t, mindlytics.Properties{"user": "u", "assistant": "a"}, expandEvent(ev).Properties)
}
