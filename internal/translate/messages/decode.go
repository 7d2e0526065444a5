package messages

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// jsonMessage is the union of the message shapes we read: GenAI
// ({role, parts}), OpenAI/Anthropic ({role, content, tool_calls}), a choice
// ({message}), and the wrappers {"messages": […]} and {"choices": […]}.
type jsonMessage struct {
	Role         string        `json:"role"`
	Parts        []jsonPart    `json:"parts"`
	Content      jsonContent   `json:"content"`
	ToolCalls    []struct{}    `json:"tool_calls"`
	FunctionCall *struct{}     `json:"function_call"`
	Message      *jsonMessage  `json:"message"`
	Messages     []jsonMessage `json:"messages"`
	Choices      []jsonMessage `json:"choices"`
}

// jsonPart is one part of a message: text ({type: text, content} in GenAI,
// {type: text, text} elsewhere), a tool call (tool_call, tool_use,
// function_call), or something without turn text (tool results, media,
// reasoning).
type jsonPart struct {
	Type    string `json:"type"`
	Content any    `json:"content"`
	Text    any    `json:"text"`
	// ToolRequest is Genkit's tool call part ({toolRequest: {…}}, no type).
	ToolRequest *struct{} `json:"toolRequest"`
}

// jsonContent is a message's content: a string or a list of parts.
type jsonContent struct {
	text  string
	parts []jsonPart
}

// UnmarshalJSON keeps a string or a list of parts and ignores other shapes.
func (c *jsonContent) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		return json.Unmarshal(b, &c.text)
	case '[':
		if err := json.Unmarshal(b, &c.parts); err != nil && !isTypeError(err) {
			return err
		}
	}
	return nil
}

// parseMessages decodes b; ok is false when b is not JSON. Values of
// unexpected types are skipped, the rest still read. It is the full decode:
// JSON strings go through the scanner (summarizeMessages), which leaves to
// it the shapes it does not read itself and is fuzzed against it.
func parseMessages(b []byte) (msgs []Message, ok bool) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, false
	}
	var list []jsonMessage
	switch t[0] {
	case '[':
		if err := json.Unmarshal(t, &list); err != nil && !isTypeError(err) {
			return nil, false
		}
	case '{':
		var one jsonMessage
		if err := json.Unmarshal(t, &one); err != nil && !isTypeError(err) {
			return nil, false
		}
		switch {
		case len(one.Messages) > 0:
			list = one.Messages
		case len(one.Choices) > 0:
			list = one.Choices
		default:
			list = []jsonMessage{one}
		}
	default:
		return nil, false
	}
	msgs = make([]Message, len(list))
	for i := range list {
		msgs[i] = list[i].reduce()
	}
	return msgs, true
}

func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// reduce keeps what the translation needs of a message; a choice is read
// through its message.
func (m *jsonMessage) reduce() Message {
	if m.Message != nil {
		return m.Message.reduce()
	}
	msg := Message{Role: m.Role, ToolCalls: len(m.ToolCalls) > 0 || m.FunctionCall != nil}
	var text string
	text = readParts(m.Parts, text, &msg)
	if m.Content.text != "" {
		text = AppendText(text, m.Content.text)
	}
	msg.Text = readParts(m.Content.parts, text, &msg)
	return msg
}

func readParts(parts []jsonPart, text string, msg *Message) string {
	for i := range parts {
		p := &parts[i]
		if p.ToolRequest != nil {
			msg.ToolCalls = true
		}
		switch p.Type {
		case conventions.GenAIPartText, "", "input_text", "output_text":
			if s, _ := p.Content.(string); s != "" {
				text = AppendText(text, s)
			} else if s, _ := p.Text.(string); s != "" {
				text = AppendText(text, s)
			}
		case conventions.GenAIPartToolCall, "tool_use", "function_call":
			msg.ToolCalls = true
		case conventions.GenAIPartToolCallResponse, "tool_result", "function_call_output",
			"reasoning", "thinking", "generic", "blob", "file", "uri", "image", "image_url", "input_image", "audio", "input_audio":
			// Deliberately skipped: tool results are not the user's words,
			// reasoning is not the answer, media has no turn text.
		}
	}
	return text
}

// AppendText joins text parts with newlines.
func AppendText(text, s string) string {
	if text == "" {
		return s
	}
	return text + "\n" + s
}
