package wire

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFormatTimestampSameDay covers lastDay: runs of timestamps from one
// day, and the steps across midnight, the epoch and the last year the
// layout holds, from goroutines that each walk their own days at once.
func TestFormatTimestampSameDay(t *testing.T) {
	starts := []time.Time{
		time.Date(2025, 3, 1, 23, 59, 0, 0, time.UTC), time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 28, 23, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var wg sync.WaitGroup
	mismatches := make([][]string, len(starts))
	for i, start := range starts {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 3))
			at := start
			for range 20_000 {
				at = at.Add(time.Duration(rng.Int64N(int64(20 * time.Millisecond))))
				if rng.IntN(50) == 0 {
					at = at.Add(time.Duration(rng.Int64N(int64(48*time.Hour))) - 24*time.Hour)
				}
				if want, got := at.UTC().Format(TimestampLayout), FormatTimestamp(at); want != got {
					mismatches[i] = append(mismatches[i], want+" written as "+got)
				}
			}
		})
	}
	wg.Wait()
	for i := range mismatches {
		require.Empty(t, mismatches[i], "from %v", starts[i])
	}
}
