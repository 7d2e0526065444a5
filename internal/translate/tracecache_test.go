package translate

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
)

// refEntry is what the straightforward cache, a map that forgets nothing
// but what the cache under test says it forgot, holds for a trace.
type refEntry struct {
	id      identity
	expires time.Time
	written uint64 // the number of the trace's last write (a new trace, or a renewal)
}

// TestTraceCacheAgainstAMap drives the trace cache and a plain map with the
// same random gets, puts, adds and purges: the cache never holds more than
// max entries, a hit is what the map holds, and a trace written within the
// last three quarters of max writes, not expired, is never forgotten.
func TestTraceCacheAgainstAMap(t *testing.T) {
	for _, maxEntries := range []int{1, 2, 3, 5, 8, 13, 64, 1000} {
		t.Run(fmt.Sprint(maxEntries), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(maxEntries), 7))
			c := newTraceCache(maxEntries, time.Minute)
			ref := map[trace.TraceID]refEntry{}
			keep := uint64(maxEntries) - max(uint64(maxEntries)/traceCacheGenerations, 1) // writes after it that a trace outlives
			var writes uint64
			now := t0
			traces := 2*maxEntries + 1 // traces come again, within the kept writes and after
			for range 40 * maxEntries {
				now = now.Add(time.Duration(rng.IntN(300)) * time.Millisecond)
				n := rng.IntN(traces)
				k := trace.TraceID{byte(n), byte(n >> 8)}
				k[8] = byte(n % 3)
				id := identity{}
				for f := range id {
					if rng.IntN(3) == 0 {
						id[f] = fmt.Sprint(f, "-", rng.IntN(4))
					}
				}
				r, had := ref[k]
				if rng.IntN(4) == 0 && (!had || writes-r.written < keep) {
					// A put with no get first (remember, for a trace that
					// asked the cache nothing): it merges into the entry,
					// expired or not, which a recent write still holds.
					c.put(k, id, now)
					ref[k] = refEntry{id: merge(id, r.id), expires: now.Add(time.Minute), written: writes}
					writes++
				} else {
					got, ok := c.get(k, now)
					switch {
					case ok:
						require.True(t, had, "a hit the map does not hold")
						require.Equal(t, r.id, got)
						require.True(t, now.Before(r.expires))
					case had && now.Before(r.expires):
						require.Less(t, keep, writes-r.written, "forgot a trace written %d writes ago", writes-r.written)
						delete(ref, k)
					default:
						delete(ref, k) // expired: gone from the cache too
					}
					switch {
					case ok && rng.IntN(2) == 0: // no write
					case ok:
						c.put(k, id, now)
						ref[k] = refEntry{id: merge(id, r.id), expires: now.Add(time.Minute), written: writes}
						writes++
					default:
						c.add(k, id, now)
						ref[k] = refEntry{id: id, expires: now.Add(time.Minute), written: writes}
						writes++
					}
				}
				require.LessOrEqual(t, c.len(), maxEntries, "bounded")
				require.LessOrEqual(t, c.len(), len(ref), "an entry for each trace the map holds, at most")
				if rng.IntN(500) == 0 {
					c.purge(now)
					for k, r := range ref {
						if !now.Before(r.expires) {
							delete(ref, k)
						}
					}
					require.LessOrEqual(t, c.len(), len(ref), "purge leaves only what the map holds")
				}
			}
		})
	}
}

// merge is id with the fields it lacks from old.
func merge(id, old identity) identity {
	for f, v := range old {
		if id[f] == "" {
			id[f] = v
		}
	}
	return id
}

// TestTraceCacheExpiryIsNowPlusTTL: the expiry kept for the last now is
// the sum, for times again, apart, with and without a monotonic reading,
// and the zero time.
func TestTraceCacheExpiryIsNowPlusTTL(t *testing.T) {
	c := newTraceCache(10, time.Minute)
	wall := time.Now().Round(0)
	for _, now := range []time.Time{{}, {}, t0, t0, t0.Add(time.Nanosecond), wall, wall, time.Now(), {}, wall.In(time.UTC)} {
		require.True(t, now.Add(time.Minute).Equal(c.expiry(now)), "%v", now)
		require.Equal(t, now.Add(time.Minute), c.expiry(now), "%v", now)
	}
}
