package compact

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestHeaderAsTrack: header builds the event mindlytics.Track builds, and
// fails as it does, on the identities its fast path (trackCannotFail)
// takes and on those it leaves to Track: an empty session, device ids
// about the cap in bytes and in runes, years the layout cannot hold.
func TestHeaderAsTrack(t *testing.T) {
	at := time.Unix(1_700_000_000, 123_456_789)
	devices := []string{"", "d", strings.Repeat("d", 100), strings.Repeat("d", 101),
		strings.Repeat("é", 50), strings.Repeat("é", 51), strings.Repeat("é", 100), strings.Repeat("é", 101)}
	times := []time.Time{{}, at, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC)}
	fastPaths := 0
	for _, session := range []string{"", "s", strings.Repeat("s", 300)} {
		for _, user := range []string{"", "u", strings.Repeat("u", 300)} {
			for _, device := range devices {
				for _, tm := range times {
					for _, conv := range []string{"", "c"} {
						id := mindlytics.Identity{SessionID: session, UserID: user, DeviceID: device, Time: tm}
						got, err := header(id, conv, mindlytics.EventConversationTurn)
						want, wantErr := mindlytics.Track(id, conv, "compact", nil)
						want.Event = mindlytics.EventConversationTurn
						require.Equal(t, errText(wantErr), errText(err), "%+v, %q", id, conv)
						require.Equal(t, Event{Event: want}, got, "%+v, %q", id, conv)
						if trackCannotFail(&got.Event) {
							fastPaths++
							require.NoError(t, wantErr, "the fast path took an identity Track refuses: %+v", id)
						}
					}
				}
			}
		}
	}
	require.Positive(t, fastPaths)
}
