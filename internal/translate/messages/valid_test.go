package messages

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// validFragments are pieces of JSON and of broken JSON, joined at random
// so that every token meets every other.
var validFragments = []string{
	`{`, `}`, `[`, `]`, `,`, `:`, ` `, "\t", "\n", "\r", "\v", `"k"`, `"a\"b"`, `"\u00e9"`, `"\u12"`, `"\q"`,
	`"k\u0041"`, "\"\x01\"", "\"\xff\"", `"`, `\`, `0`, `-0`, `01`, `1.5`, `1.`, `.5`, `1e5`, `1E+5`, `1e`, `-`,
	`true`, `false`, `null`, `tru`, `nul`, `{"a":1}`, `[1,2]`, `{"a":}`, `[,]`, `{"a":1,}`, `[1,]`, `{}`, `[]`,
	`{"city":"Paris"}`, `{"a":{"b":[{"c":null}]}}`, `x`,
}

// TestValidMatchesEncodingJSON compares Valid with json.Valid on the
// scanner's seeds, on pairs and triples of fragments, on random strings of
// them, and on nesting past the scanner's depth.
func TestValidMatchesEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := Valid(s), json.Valid([]byte(s)); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", s, got, want)
		}
	}
	check("")
	for _, s := range scanSeeds {
		check(s)
		check(" " + s + "\n")
	}
	for _, a := range validFragments {
		check(a)
		for _, b := range validFragments {
			check(a + b)
			for _, c := range validFragments {
				check(a + b + c)
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(validFragments[rng.IntN(len(validFragments))])
		}
		check(b.String())
	}
	for _, depth := range []int{maxScanDepth - 1, maxScanDepth, maxScanDepth + 1, maxScanDepth + 5} {
		check(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		check(strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth))
		check(strings.Repeat("[", depth) + strings.Repeat("]", depth-1))
	}
}

// FuzzValid compares Valid with json.Valid on arbitrary input.
func FuzzValid(f *testing.F) {
	for _, s := range append(scanSeeds, validFragments...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Valid(s), json.Valid([]byte(s)); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", s, got, want)
		}
	})
}
