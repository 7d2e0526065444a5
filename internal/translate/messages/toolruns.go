package messages

import (
	"encoding/json"
	"strings"
)

// ToolRun is one tool call a model call's input answers: the call the
// assistant asked for (its id, name and arguments) and the result the app
// sent back.
type ToolRun struct {
	ID, Name, Args, Result string
}

// ToolRuns reads the tool runs a model call sends back for the first time:
// the results in the messages at the end of its input, each matched by id to
// the call the assistant message before them asked for. Earlier exchanges of
// the history were sent by earlier calls, so a long agent loop reports each
// run once, with the call that carried its result. Results without a known
// call (no name) are left out. It reads the GenAI parts (tool_call /
// tool_call_response), OpenAI's chat messages (tool_calls / role "tool")
// and Anthropic's content blocks (tool_use / tool_result); anything else,
// or text that is not JSON, gives none.
//
// It decodes the whole list, so callers ask only when the input holds a
// tool result (HasToolResult).
func ToolRuns(t string) []ToolRun {
	var msgs []toolMessage
	if json.Unmarshal([]byte(t), &msgs) != nil {
		var wrapped struct {
			Messages []toolMessage `json:"messages"`
		}
		if json.Unmarshal([]byte(t), &wrapped) != nil {
			return nil
		}
		msgs = wrapped.Messages
	}
	end := len(msgs)
	start := end
	for start > 0 && msgs[start-1].onlyResults() {
		start--
	}
	if start == end || start == 0 {
		return nil
	}
	calls := msgs[start-1].calls()
	var runs []ToolRun
	for _, m := range msgs[start:end] {
		for _, res := range m.results() {
			call, ok := calls[res.ID]
			if !ok || call.Name == "" {
				continue
			}
			call.Result = res.Result
			runs = append(runs, call)
		}
	}
	return runs
}

// HasToolResult says cheaply whether message JSON may end with a tool
// result, in any of the shapes ToolRuns reads: it looks only after the last
// assistant (or model) role, since ToolRuns reads only the results that
// follow it, so the calls of an agent loop whose history holds earlier
// results are not decoded for nothing.
//
// It searches forward only (LastIndex is not vectorized), by the names'
// underscore: message JSON has few (strings.Index of "tool_ stops at
// every quote), and the common input, without any, is passed in one
// IndexByte. The last result name counts when no role name starts after
// it, which is the same as the result being after the last role name.
func HasToolResult(t string) bool {
	last := -1
	for off := 0; ; {
		i := strings.IndexByte(t[off:], '_')
		if i < 0 {
			break
		}
		u := off + i // the underscore of a "tool_ that starts at u-5
		off = u + 1
		if u < len(`"tool`) || t[u-len(`"tool`):u] != `"tool` {
			continue
		}
		if rest := t[off:]; strings.HasPrefix(rest, `call_response"`) || strings.HasPrefix(rest, `call_id"`) || strings.HasPrefix(rest, `result"`) {
			last = u - len(`"tool`)
		}
	}
	if last < 0 {
		return false
	}
	after := t[last+1:]
	return !strings.Contains(after, `"assistant"`) && !strings.Contains(after, `"model"`)
}

// toolMessage is a chat message as ToolRuns reads it.
type toolMessage struct {
	Role       string          `json:"role"`
	Parts      []toolPart      `json:"parts"`   // GenAI
	Content    json.RawMessage `json:"content"` // OpenAI text or Anthropic blocks
	ToolCallID string          `json:"tool_call_id"`
	ToolCalls  []struct {
		ID       string `json:"id"`
		Function struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
}

// toolPart is a GenAI message part or an Anthropic content block.
type toolPart struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"` // GenAI tool_call
	Input     json.RawMessage `json:"input"`     // Anthropic tool_use
	Response  json.RawMessage `json:"response"`  // GenAI tool_call_response
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"` // Anthropic tool_result
}

type toolResult struct{ ID, Result string }

// blocks reads the message's parts: GenAI parts, else Anthropic content
// blocks.
func (m *toolMessage) blocks() []toolPart {
	if len(m.Parts) > 0 {
		return m.Parts
	}
	if len(m.Content) == 0 || m.Content[0] != '[' {
		return nil
	}
	var parts []toolPart
	if json.Unmarshal(m.Content, &parts) != nil {
		return nil
	}
	return parts
}

// onlyResults says whether the message carries tool results and nothing
// else.
func (m *toolMessage) onlyResults() bool {
	if m.Role == "tool" && m.ToolCallID != "" {
		return true
	}
	parts := m.blocks()
	if len(parts) == 0 {
		return false
	}
	for _, p := range parts {
		if p.Type != "tool_call_response" && p.Type != "tool_result" {
			return false
		}
	}
	return true
}

func (m *toolMessage) results() []toolResult {
	if m.Role == "tool" && m.ToolCallID != "" {
		return []toolResult{{m.ToolCallID, resultText(m.Content)}}
	}
	var out []toolResult
	for _, p := range m.blocks() {
		switch p.Type {
		case "tool_call_response":
			out = append(out, toolResult{p.ID, resultText(p.Response)})
		case "tool_result":
			out = append(out, toolResult{p.ToolUseID, resultText(p.Content)})
		}
	}
	return out
}

// calls are the tool calls an assistant message asked for, by id.
func (m *toolMessage) calls() map[string]ToolRun {
	calls := map[string]ToolRun{}
	for _, c := range m.ToolCalls {
		calls[c.ID] = ToolRun{ID: c.ID, Name: c.Function.Name, Args: jsonText(c.Function.Arguments)}
	}
	for _, p := range m.blocks() {
		switch p.Type {
		case "tool_call":
			calls[p.ID] = ToolRun{ID: p.ID, Name: p.Name, Args: jsonText(p.Arguments)}
		case "tool_use":
			calls[p.ID] = ToolRun{ID: p.ID, Name: p.Name, Args: jsonText(p.Input)}
		}
	}
	return calls
}

// jsonText is a JSON value as text: a string's own text (arguments are
// often JSON already encoded as a string), anything else as its JSON.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// resultText is a tool result as text: a string as it is, content blocks
// that are all text as their texts (UnwrapTextBlocks), anything else as its
// JSON.
func resultText(raw json.RawMessage) string {
	return UnwrapTextBlocks(jsonText(raw))
}

// UnwrapTextBlocks returns the text of a result given as content blocks
// that are all text, [{"type":"text","text":…},…] (Anthropic's tool
// results, MCP's call results), joined by newlines; any other value is
// returned unchanged.
func UnwrapTextBlocks(s string) string {
	if !strings.HasPrefix(s, `[{`) || !strings.Contains(s, `"text"`) {
		return s
	}
	var blocks []map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &blocks) != nil || len(blocks) == 0 {
		return s
	}
	var b strings.Builder
	for i, blk := range blocks {
		var typ, text string
		if json.Unmarshal(blk["type"], &typ) != nil || typ != "text" || json.Unmarshal(blk["text"], &text) != nil {
			return s
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	return b.String()
}
