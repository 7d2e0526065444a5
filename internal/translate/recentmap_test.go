package translate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
)

func TestRecentMapKeepsTheLastEntriesBounded(t *testing.T) {
	m := newRecentMap[int, int](10, intHash)
	for i := range 100 {
		m.put(i, i*i)
		assert.LessOrEqual(t, m.len(), 10, "bounded")
	}
	for i := 95; i < 100; i++ {
		v, ok := m.get(i)
		assert.True(t, ok, "the last %d entries are kept", 5)
		assert.Equal(t, i*i, v)
	}
	_, ok := m.get(80)
	assert.False(t, ok, "an old one is gone")
	m.put(99, 1)
	v, _ := m.get(99)
	assert.Equal(t, 1, v, "a put replaces")
	m.delete(99)
	_, ok = m.get(99)
	assert.False(t, ok)
}

func intHash(k int) uint64 { return mix(uint64(k)^recentSeeds[0], recentSeeds[1]) }

// mapModel is recentMap as two Go maps, the generations: the rule the
// flat tables must keep.
type mapModel struct {
	max       int
	cur, prev map[int]int
}

func (m *mapModel) put(k, v int) {
	if m.cur == nil || len(m.cur) >= m.max/2 {
		m.prev, m.cur = m.cur, map[int]int{}
	}
	m.cur[k] = v
}

func (m *mapModel) get(k int) (int, bool) {
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.prev[k]
	return v, ok
}

func (m *mapModel) delete(k int) {
	delete(m.cur, k)
	delete(m.prev, k)
}

// TestRecentMapAgainstMaps drives a recentMap and the two maps with the
// same random puts, gets and deletes, over keys that come again within a
// generation and after, with hashes that collide (a few bits) or not: the
// same answers, and the same number of entries.
func TestRecentMapAgainstMaps(t *testing.T) {
	hashes := map[string]func(int) uint64{
		"spread":  intHash,
		"4 homes": func(k int) uint64 { return uint64(k%4) << 62 },
		"tags":    func(k int) uint64 { return uint64(k%3)<<62 | uint64(k%5)<<40 },
	}
	for name, hash := range hashes {
		for _, maxEntries := range []int{1, 2, 3, 4, 7, 10, 64, 1000} {
			t.Run(fmt.Sprint(name, "/", maxEntries), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(maxEntries), 11))
				m := newRecentMap[int, int](maxEntries, hash)
				ref := mapModel{max: maxEntries}
				keys := 2*maxEntries + 3
				for op := range 30 * maxEntries * 10 {
					k := rng.IntN(keys)
					switch rng.IntN(8) {
					case 0, 1, 2:
						m.put(k, op)
						ref.put(k, op)
					case 3:
						m.delete(k)
						ref.delete(k)
					default:
						v, ok := m.get(k)
						rv, rok := ref.get(k)
						require.Equal(t, rok, ok, "op %d: get %d", op, k)
						require.Equal(t, rv, v, "op %d: get %d", op, k)
					}
					require.Equal(t, len(ref.cur)+len(ref.prev), m.len(), "op %d", op)
					require.Equal(t, len(ref.cur)+len(ref.prev) == 0, m.empty())
				}
				for k := range keys {
					v, ok := m.get(k)
					rv, rok := ref.get(k)
					require.Equal(t, rok, ok, "get %d", k)
					require.Equal(t, rv, v, "get %d", k)
				}
			})
		}
	}
}

// TestRecentMapHashesTellKeysApart: span keys and trace ids that differ
// in one byte hash apart, in the index's top bits too.
func TestRecentMapHashesTellKeysApart(t *testing.T) {
	seen := map[uint64]bool{}
	homes := map[uint64]bool{}
	for i := range 16 {
		for b := range 256 {
			if b == 0 && i > 0 {
				continue // the zero key, once
			}
			var k spanKey
			k.trace[i] = byte(b)
			if i < 8 {
				k.span[i] = byte(b)
			}
			h := k.hash()
			assert.False(t, seen[h], "span key %d:%d", i, b)
			seen[h], homes[h>>50] = true, true
			th := traceHash(trace.TraceID(k.trace))
			assert.False(t, seen[th], "trace %d:%d", i, b)
			seen[th] = true
		}
	}
	assert.Greater(t, len(homes), 3000, "the top bits spread (of 16,384 homes, %d taken by 4,081 keys)", len(homes))
}

// TestStringHashTellsStringsApart: strings of every length to 40 that
// differ in one byte, anywhere, or only in length hash apart; a copy
// hashes alike.
func TestStringHashTellsStringsApart(t *testing.T) {
	seen := map[uint64]string{}
	for n := range 41 {
		base := []byte(strings.Repeat("x", n))
		for i := -1; i < n; i++ {
			for _, c := range []byte{'y', 0, 0xff} {
				s := append([]byte(nil), base...)
				if i >= 0 {
					s[i] = c
				} else if c != 'y' {
					continue // the base string, once
				}
				h := stringHash(string(s))
				if other, ok := seen[h]; ok {
					t.Fatalf("%q and %q hash alike", s, other)
				}
				seen[h] = string(s)
				require.Equal(t, h, stringHash(string(append([]byte(nil), s...))), "a copy of %q", s)
			}
		}
	}
}
