package compact

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
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
						var got Event
						err := got.setHeader(id, conv, mindlytics.EventConversationTurn)
						want, wantErr := mindlytics.Track(id, conv, "compact", nil)
						want.Event = mindlytics.EventConversationTurn
						require.Equal(t, errText(wantErr), errText(err), "%+v, %q", id, conv)
						// A timestamp in the layout is held as a stamp,
						// the Timestamp field then empty; Expand writes it.
						header := got.Event
						if got.stamped {
							header.Timestamp = string(got.stamp[:])
						}
						require.Equal(t, want, header, "%+v, %q", id, conv)
						require.Equal(t, len(want.Timestamp) == len(wire.TimestampLayout), got.stamped, "%+v", id)
						require.Equal(t, want, got.Expand(), "%+v, %q", id, conv)
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

// TestAppendAsConstructors: AppendTurn, AppendFunction and AppendUsage
// append the event Turn, Function and Usage return, or leave dst as it
// was with the same error.
func TestAppendAsConstructors(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	ids := []mindlytics.Identity{{SessionID: "s", UserID: "u", Time: at}, {UserID: "u", Time: at},
		{SessionID: "s", DeviceID: strings.Repeat("d", 101)}}
	first := Of(mindlytics.Event{Type: mindlytics.TypeTrack, Event: "x", SessionID: "s"})
	check := func(name string, got []Event, err error, want Event, wantErr error) {
		t.Helper()
		require.Equal(t, errText(wantErr), errText(err), name)
		require.Equal(t, first, got[0], name)
		if wantErr != nil {
			require.Len(t, got, 1, name)
			return
		}
		require.Len(t, got, 2, name)
		require.Equal(t, want, got[1], name)
	}
	for _, id := range ids {
		for _, conv := range []string{"", "c"} {
			for _, turn := range []mindlytics.Turn{{User: "u", Assistant: "a", Model: "m"}, {Cost: math.NaN()},
				{Extra: mindlytics.Properties{"x": []int{}}}} {
				want, wantErr := Turn(id, conv, turn)
				got, err := AppendTurn([]Event{first}, id, conv, turn)
				check("turn", got, err, want, wantErr)
			}
			for _, call := range []mindlytics.FunctionCall{{Name: "f", Args: "{}"}, {Extra: mindlytics.Properties{"": 1}}} {
				want, wantErr := Function(id, conv, call)
				got, err := AppendFunction([]Event{first}, id, conv, call)
				check("function", got, err, want, wantErr)
			}
			for _, usage := range []mindlytics.Usage{{Model: "m", PromptTokens: 3}, {Cost: math.Inf(1)}, {Model: strings.Repeat("m", 101)}} {
				want, wantErr := Usage(id, conv, usage)
				got, err := AppendUsage([]Event{first}, id, conv, usage)
				check("usage", got, err, want, wantErr)
			}
		}
	}
}
