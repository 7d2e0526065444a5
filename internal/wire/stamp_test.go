package wire

import (
	"testing"
	"time"
)

// An event with its timestamp as a Stamp encodes as with the same
// timestamp as a string, and PutStamp writes what FormatTimestamp does,
// refusing the years it cannot hold in the layout.
func TestStampEncodesAsTimestamp(t *testing.T) {
	for _, at := range []time.Time{time.Unix(0, 0), time.Unix(1_700_000_000, 123_456_789),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC)} {
		var s Stamp
		ok := PutStamp(&s, at)
		formatted := FormatTimestamp(at)
		if ok != (len(formatted) == len(TimestampLayout)) || ok && string(s[:]) != formatted {
			t.Fatalf("%v: PutStamp %v %q, FormatTimestamp %q", at, ok, s[:], formatted)
		}
		if !ok {
			continue
		}
		want, err := (&Event{Type: "track", SessionID: "s", Timestamp: formatted, UserID: "u"}).AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := (&Event{Type: "track", SessionID: "s", Stamp: &s, UserID: "u"}).AppendJSON(nil)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%v: %s (%v), want %s", at, got, err, want)
		}
	}
}
