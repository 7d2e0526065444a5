package translate

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestConversationStartedReusesTheStamp: conversationStarted, given the
// timestamp the session's start wrote, builds the event and the error
// mindlytics.ConversationStarted does, for identities, properties and
// times it accepts and refuses (years the layout cannot hold included).
func TestConversationStartedReusesTheStamp(t *testing.T) {
	times := []time.Time{{}, time.Unix(1_700_000_000, 123_456_789), time.Unix(-1, 0),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}
	props := []mindlytics.Properties{nil, {"k": "v"}, {"bad": []int{1}}, {"": 1}, {"nan": math.NaN()}}
	reused := 0
	for _, session := range []string{"", "s"} {
		for _, device := range []string{"", "d", strings.Repeat("d", 101)} {
			for _, conv := range []string{"", "c"} {
				for _, tm := range times {
					for _, p := range props {
						id := mindlytics.Identity{SessionID: session, UserID: "u", DeviceID: device, Time: tm}
						start, _ := mindlytics.StartSession(id, nil)
						want, wantErr := mindlytics.ConversationStarted(id, conv, p, p)
						got, err := conversationStarted(id, start.Timestamp, conv, p, p)
						require.Equal(t, want, got, "%+v %q %v", id, conv, p)
						require.Equal(t, wantErr, err, "%+v %q %v", id, conv, p)
						if len(start.Timestamp) == len(wire.TimestampLayout) {
							reused++
						}
					}
				}
			}
		}
	}
	require.Positive(t, reused)
}
