package genai

import (
	"encoding/json"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Message is one message of the GenAI message JSON (gen_ai.input.messages,
// gen_ai.output.messages).
type Message struct {
	Role         string `json:"role"`
	Parts        []Part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// Part is one part of a message: text, reasoning, a tool call or a tool
// call's response.
type Part struct {
	Type      string          `json:"type"`
	Content   string          `json:"content,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Arguments json.RawMessage `json:"arguments,omitempty"`
	Response  string          `json:"response,omitempty"` // a tool call's result: the spec's ToolCallResponsePart.response
}

const partReasoning = "reasoning"

func textPart(s string) Part { return Part{Type: conventions.GenAIPartText, Content: s} }

// toolCallPart keeps OpenAI's argument string as JSON when it is JSON (the
// spec's example is an object), else as a JSON string.
func toolCallPart(id, name, args string) Part {
	p := Part{Type: conventions.GenAIPartToolCall, ID: id, Name: name}
	if args != "" {
		p.Arguments = JSONOrString(args)
	}
	return p
}

// JSONOrString keeps s as JSON when it is JSON, else makes it a JSON
// string.
func JSONOrString(s string) json.RawMessage {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// redactMessages applies r to every text of msgs, in place.
func redactMessages(r Redactor, msgs []Message) {
	for i := range msgs {
		for j := range msgs[i].Parts {
			redactPart(r, msgs[i].Role, &msgs[i].Parts[j])
		}
	}
}

func redactPart(r Redactor, role string, p *Part) {
	if p.Content != "" {
		p.Content = r(role, p.Content)
	}
	if p.Response != "" {
		p.Response = r(conventions.GenAIRoleTool, p.Response)
	}
	if len(p.Arguments) > 0 {
		if s := r(role, string(p.Arguments)); s == "" {
			p.Arguments = nil
		} else {
			p.Arguments = JSONOrString(s)
		}
	}
}

// finishReasonOf maps OpenAI's finish reasons to the values of the output
// message schema (stop, length, content_filter, tool_call, error).
func finishReasonOf(openai string) string {
	switch openai {
	case "tool_calls", "function_call":
		return "tool_call"
	}
	return openai
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
