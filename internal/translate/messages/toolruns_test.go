package messages

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestHasToolResult checks the one-pass scan against each name it looks
// for, a name that only starts like one, and names split across matches.
func TestHasToolResult(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{`[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, false},
		{`[{"type":"tool_call_response","id":"c1","response":"ok"}]`, true},
		{`[{"role":"tool","tool_call_id":"c1","content":"ok"}]`, true},
		{`[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]`, true},
		{`[{"type":"tool_call","id":"c1","name":"f"}]`, false},
		{`[{"type":"tool_use","id":"t1","name":"f"},{"tool_results":1}]`, false},
		{`"tool_"tool_result"`, true},
		{`"tool_call_id`, false},
		{`"tool_`, false},
		{``, false},
		// Only what follows the last assistant message counts: a history's
		// earlier results were sent by earlier calls.
		{`[{"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"assistant","content":"done"},{"role":"user","content":"thanks"}]`, false},
		{`[{"role":"assistant","tool_calls":[]},{"role":"tool","tool_call_id":"c2","content":"ok"}]`, true},
	} {
		if got := HasToolResult(c.in); got != c.want {
			t.Errorf("HasToolResult(%s) = %v, want %v", c.in, got, c.want)
		}
	}
}

// hasToolResultBackward is HasToolResult as it was first written: cut at
// the last role name searched backward, then look for a result name. The
// forward search must answer as it does.
func hasToolResultBackward(t string) bool {
	if i := max(strings.LastIndex(t, `"assistant"`), strings.LastIndex(t, `"model"`)); i > 0 {
		t = t[i:]
	}
	for {
		i := strings.Index(t, `"tool_`)
		if i < 0 {
			return false
		}
		t = t[i+len(`"tool_`):]
		if strings.HasPrefix(t, `call_response"`) || strings.HasPrefix(t, `call_id"`) || strings.HasPrefix(t, `result"`) {
			return true
		}
	}
}

// TestHasToolResultMatchesBackwardSearch compares the two on the scanner's
// seeds and on random strings of the names, their fragments and quotes,
// where result and role names overlap, repeat and share their quotes.
func TestHasToolResultMatchesBackwardSearch(t *testing.T) {
	fragments := []string{
		`"assistant"`, `"model"`, `"assistant`, `model"`, `"tool_`, `"tool_result"`, `"tool_call_id"`,
		`"tool_call_response"`, `tool_result"`, `call_id"`, `"tool_call"`, `"`, `\"`, `"user"`, `role`, `:`, `,`,
		`{"role":"tool","tool_call_id":"c1","content":"ok"}`, `{"role":"assistant","content":"the \"assistant\" said"}`,
		`x`, `"tool_"tool_result"`, `"model"tool_result"`, `"assistant"tool_call_id"`, `_`, `"tool`, `tool_`, `result"`,
		`"finish_reason":"stop"`,
	}
	check := func(s string) {
		t.Helper()
		if got, want := HasToolResult(s), hasToolResultBackward(s); got != want {
			t.Fatalf("HasToolResult(%q) = %v, the backward search %v", s, got, want)
		}
	}
	for _, s := range scanSeeds {
		check(s)
	}
	for _, a := range fragments {
		for _, b := range fragments {
			check(a + b)
			for _, c := range fragments {
				check(a + b + c)
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		check(b.String())
	}
}
