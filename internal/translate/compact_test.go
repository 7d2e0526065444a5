package translate

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestCompactEvents: the turn events the translation makes for the front
// doors are compact, encode as their maps would, and expand to the map
// the public constructor makes.
func TestCompactEvents(t *testing.T) {
	ev, err := compactTurn(mindlytics.Identity{SessionID: "s"}, "c", mindlytics.Turn{User: "u", Assistant: "a"})
	require.NoError(t, err)
	require.Nil(t, ev.Properties, "compact")
	b, err := ev.AppendJSON(nil)
	require.NoError(t, err)
	require.Equal(t, `{"type":"track","event":"Conversation Turn","session_id":"s","conversation_id":"c","properties":{"assistant":"a","user":"u"}}`, string(b))
	require.Equal(t, mindlytics.Properties{"user": "u", "assistant": "a"}, ev.Expand().Properties)
}
