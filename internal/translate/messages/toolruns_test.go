package messages

import "testing"

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
