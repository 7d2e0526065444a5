package openstate

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKeyIndexAgainstAMap drives a keyIndex and a Go map with the same
// random sets, gets and deletes, over keys of a few bits (homes collide,
// runs are long) and full ones: the same answers, through the growths.
func TestKeyIndexAgainstAMap(t *testing.T) {
	for _, mask := range []uint64{3, 0xff, 0xfff, ^uint64(0)} {
		t.Run(fmt.Sprintf("mask %#x", mask), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(mask, 5))
			var x keyIndex
			ref := map[uint64]Handle{}
			for step := range 20000 {
				key := rng.Uint64() & mask
				if rng.IntN(4) == 0 && len(ref) > 0 {
					for k := range ref { // an existing key
						key = k
						break
					}
				}
				switch rng.IntN(3) {
				case 0:
					h := Handle(rng.IntN(1000) + 1)
					x.set(key, h)
					ref[key] = h
				case 1:
					x.delete(key)
					delete(ref, key)
				default:
					require.Equal(t, ref[key], x.get(key), "step %d: key %#x", step, key)
				}
				require.Equal(t, len(ref), x.n, "step %d", step)
				if step%1000 == 0 {
					for k, h := range ref {
						require.Equal(t, h, x.get(k), "step %d: key %#x", step, k)
					}
				}
			}
		})
	}
}
