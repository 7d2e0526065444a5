package translate

import "testing"

// TestIsToolFinishReasonKeepsTheSet checks the switch against the set it
// replaced, and near misses.
func TestIsToolFinishReasonKeepsTheSet(t *testing.T) {
	set := map[string]bool{"tool_calls": true, "tool_call": true, "function_call": true, "tool_use": true, "tool-calls": true}
	for _, r := range []string{"", "stop", "length", "tool_calls", "tool_call", "function_call", "tool_use", "tool-calls",
		"Tool_calls", "tool_calls ", "tool", "tool_", "tool-call", "function_calls", "end_turn", "content_filter"} {
		if got := isToolFinishReason(r); got != set[r] {
			t.Errorf("isToolFinishReason(%q) = %v, want %v", r, got, set[r])
		}
	}
}
