package langchaingohelper

import (
	"encoding/json"
	"fmt"

	"github.com/tmc/langchaingo/llms"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// roleOf maps langchaingo's roles to the GenAI message roles.
func roleOf(r llms.ChatMessageType) string {
	switch r {
	case llms.ChatMessageTypeSystem:
		return conventions.GenAIRoleSystem
	case llms.ChatMessageTypeAI:
		return conventions.GenAIRoleAssistant
	case llms.ChatMessageTypeTool, llms.ChatMessageTypeFunction:
		return conventions.GenAIRoleTool
	}
	return conventions.GenAIRoleUser
}

// inputMessages converts a call's messages to the GenAI message JSON, the
// system messages apart as the system instructions. Parts other than text,
// tool calls and tool results (images, binaries) are left out.
func (h *Handler) inputMessages(ms []llms.MessageContent) (in []genai.Message, system []genai.Part) {
	for _, m := range ms {
		role := roleOf(m.Role)
		parts := make([]genai.Part, 0, len(m.Parts))
		for _, p := range m.Parts {
			if gp, ok := h.part(role, p); ok {
				parts = append(parts, gp)
			}
		}
		if role == conventions.GenAIRoleSystem {
			system = append(system, parts...)
			continue
		}
		in = append(in, genai.Message{Role: role, Parts: parts})
	}
	return in, system
}

func (h *Handler) part(role string, p llms.ContentPart) (genai.Part, bool) {
	switch p := p.(type) {
	case llms.TextContent:
		return genai.Part{Type: conventions.GenAIPartText, Content: h.redact(role, p.Text)}, true
	case llms.ToolCall:
		if p.FunctionCall == nil {
			return genai.Part{}, false
		}
		return h.toolCall(role, p.ID, p.FunctionCall.Name, p.FunctionCall.Arguments), true
	case llms.ToolCallResponse:
		return genai.Part{Type: conventions.GenAIPartToolCallResponse, ID: p.ToolCallID, Response: h.redact(conventions.GenAIRoleTool, p.Content)}, true
	}
	return genai.Part{}, false
}

func (h *Handler) toolCall(role, id, name, args string) genai.Part {
	p := genai.Part{Type: conventions.GenAIPartToolCall, ID: id, Name: name}
	if args = h.redact(role, args); args != "" {
		p.Arguments = genai.JSONOrString(args)
	}
	return p
}

// responseAttrs are the finish reasons, usage and output messages of an
// answer. langchaingo puts the call's usage in every choice's
// GenerationInfo; it is read once, from the first.
func (h *Handler) responseAttrs(res *llms.ContentResponse) []attribute.KeyValue {
	var kv []attribute.KeyValue
	reasons := make([]string, 0, len(res.Choices))
	out := make([]genai.Message, 0, len(res.Choices))
	for _, c := range res.Choices {
		if c == nil {
			continue
		}
		fr := finishReasonOf(c.StopReason)
		if fr != "" {
			reasons = append(reasons, fr)
		}
		m := genai.Message{Role: conventions.GenAIRoleAssistant, Parts: []genai.Part{}, FinishReason: fr}
		if c.Content != "" {
			m.Parts = append(m.Parts, genai.Part{Type: conventions.GenAIPartText, Content: h.redact(conventions.GenAIRoleAssistant, c.Content)})
		}
		for _, tc := range c.ToolCalls {
			if tc.FunctionCall != nil {
				m.Parts = append(m.Parts, h.toolCall(conventions.GenAIRoleAssistant, tc.ID, tc.FunctionCall.Name, tc.FunctionCall.Arguments))
			}
		}
		out = append(out, m)
	}
	if len(reasons) > 0 {
		kv = append(kv, finishReasonsKey.StringSlice(reasons))
	}
	if len(res.Choices) > 0 && res.Choices[0] != nil {
		info := res.Choices[0].GenerationInfo
		in, okIn := intOf(info["PromptTokens"])
		outT, okOut := intOf(info["CompletionTokens"])
		// langchaingo reports 0 and 0 when the answer had no usage (a
		// stream whose server sent no usage chunk): unknown, never zero,
		// which would price the call at nothing.
		if (okIn || okOut) && (in != 0 || outT != 0) {
			kv = append(kv, sc.InputTokensKey.Int64(in), sc.OutputTokensKey.Int64(outT))
			// Details, part of the counts above; 0 is also what
			// langchaingo reports when the server gave none.
			if n, ok := intOf(info["PromptCachedTokens"]); ok && n > 0 {
				kv = append(kv, conventions.GenAIUsageCacheReadInputTokensKey.Int64(n))
			}
			if n, ok := intOf(info["ReasoningTokens"]); ok && n > 0 {
				kv = append(kv, conventions.GenAIUsageReasoningOutputTokensKey.Int64(n))
			}
		}
	}
	if h.capture() && len(out) > 0 {
		kv = append(kv, conventions.GenAIOutputMessagesKey.String(marshal(out)))
	}
	return kv
}

// finishReasonOf maps OpenAI's finish reasons to the values of the output
// message schema.
func finishReasonOf(s string) string {
	switch s {
	case "tool_calls", "function_call":
		return "tool_call"
	case "<nil>": // langchaingo's fmt.Sprint of a missing reason
		return ""
	}
	return s
}

func intOf(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}
