package messages

import (
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Exchange is what a model call said: the last user message, the output
// text, and whether the output asks for tools.
type Exchange struct {
	User      string
	Assistant string
	ToolCalls bool
}

// Merge fills what e lacks from o.
func (e *Exchange) Merge(o Exchange) {
	if e.User == "" {
		e.User = o.User
	}
	if e.Assistant == "" {
		e.Assistant = o.Assistant
	}
	e.ToolCalls = e.ToolCalls || o.ToolCalls
}

// Complete reports whether the exchange has both texts.
func (e *Exchange) Complete() bool { return e.User != "" && e.Assistant != "" }

// Message is one chat message reduced to what the translation needs.
type Message struct {
	Role      string
	Text      string
	ToolCalls bool
	// ToolResult marks a message that answers a tool call: never the
	// user's text, whatever its role (Anthropic's API returns tool results
	// in user messages).
	ToolResult bool
	// textKind is, while the scanner reads, what text holds as the body of
	// a JSON string (escapes, non-ASCII) that is decoded only if the
	// summary keeps it (msgSummary.decode); 0 once decoded.
	textKind strKind
}

// LastUser returns the text of the last user message with text that is not
// a tool result.
func LastUser(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == conventions.GenAIRoleUser && msgs[i].Text != "" && !msgs[i].ToolResult {
			return msgs[i].Text
		}
	}
	return ""
}

// Output returns the text of the first output message (choice) with text,
// and whether any output message calls tools.
func Output(msgs []Message) Exchange {
	var e Exchange
	for _, m := range msgs {
		if m.Role != "" && m.Role != conventions.GenAIRoleAssistant && m.Role != "model" {
			continue
		}
		if e.Assistant == "" {
			e.Assistant = m.Text
		}
		e.ToolCalls = e.ToolCalls || m.ToolCalls
	}
	return e
}
