package wire

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFormatTimestampMatchesTimeFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 29, 1, 30, 0, 1500, time.FixedZone("x", 3600+1800)),
	}
	for range 10000 {
		times = append(times, time.Unix(rng.Int64N(1<<36)-1<<35, rng.Int64N(1e9)).In(time.FixedZone("z", rng.IntN(50000)-25000)))
	}
	// Every year the layout holds, and the days around leap days, the
	// centuries and the epoch, to the second.
	first, last := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 20000 {
		times = append(times, time.Unix(first+rng.Int64N(last-first), rng.Int64N(1e9)))
	}
	times = append(times, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond), time.Date(10000, 1, 1, 0, 0, 0, 1000, time.UTC))
	for _, year := range []int{0, 1, 4, 100, 400, 1600, 1900, 1969, 1970, 2000, 2024, 2100, 9996, 9999} {
		for _, md := range [][2]int{{1, 1}, {2, 28}, {2, 29}, {3, 1}, {12, 31}} {
			day := time.Date(year, time.Month(md[0]), md[1], 0, 0, 0, 0, time.UTC)
			times = append(times, day, day.Add(-time.Nanosecond), day.Add(-time.Second), day.Add(time.Second-1))
		}
	}
	for _, tm := range times {
		require.Equal(t, tm.UTC().Format(TimestampLayout), FormatTimestamp(tm), "%v", tm)
	}
}
