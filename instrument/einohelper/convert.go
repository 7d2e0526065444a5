package einohelper

import (
	"strings"
	"time"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

var timeNow = time.Now

// request is the GenAI request of a chat model run: its messages (system
// messages as system instructions' siblings in the input, as the spec has
// them for history), its settings, and as provider the model
// implementation's type (OpenAI, Ark, Claude, Ollama…).
func request(info *callbacks.RunInfo, in *model.CallbackInput) *genai.Request {
	r := &genai.Request{Provider: strings.ToLower(info.Type)}
	if r.Provider == "" {
		r.Provider = "_OTHER"
	}
	if c := in.Config; c != nil {
		r.Model = c.Model
		var s genai.Settings
		if c.Temperature != 0 {
			t := float64(c.Temperature)
			s.Temperature = &t
		}
		if c.TopP != 0 {
			p := float64(c.TopP)
			s.TopP = &p
		}
		if c.MaxTokens != 0 {
			m := int64(c.MaxTokens)
			s.MaxTokens = &m
		}
		s.Stop = c.Stop
		r.SetSettings(s)
	}
	for _, m := range in.Messages {
		if m != nil {
			r.Input = append(r.Input, message(m))
		}
	}
	return r
}

// message is the GenAI message of an eino message.
func message(m *schema.Message) genai.Message {
	msg := genai.Message{Role: string(m.Role)}
	if m.Role == schema.Tool {
		msg.Parts = []genai.Part{genai.ToolResultPart(m.ToolCallID, m.Content)}
		return msg
	}
	if m.ReasoningContent != "" {
		msg.Parts = append(msg.Parts, genai.ReasoningPart(m.ReasoningContent))
	}
	if m.Content != "" {
		msg.Parts = append(msg.Parts, genai.TextPart(m.Content))
	}
	for _, tc := range m.ToolCalls {
		msg.Parts = append(msg.Parts, genai.ToolCallPart(tc.ID, tc.Function.Name, tc.Function.Arguments))
	}
	return msg
}

// response is the GenAI response of a run's output message and usage; the
// usage is the callback's, else the message's own.
func response(m *schema.Message, usage *model.TokenUsage, model string) *genai.Response {
	r := &genai.Response{Model: model}
	if m != nil {
		out := message(m)
		out.Role = string(schema.Assistant)
		if meta := m.ResponseMeta; meta != nil {
			out.FinishReason = genai.FinishReason(meta.FinishReason)
			if meta.FinishReason != "" {
				r.FinishReasons = []string{out.FinishReason}
			}
			if usage == nil && meta.Usage != nil {
				u := meta.Usage
				r.Usage = genai.Usage{Known: true, Input: int64(u.PromptTokens), Output: int64(u.CompletionTokens),
					CacheRead: int64(u.PromptTokenDetails.CachedTokens), Reasoning: int64(u.CompletionTokensDetails.ReasoningTokens)}
			}
		}
		r.Output = []genai.Message{out}
	}
	if usage != nil {
		r.Usage = genai.Usage{Known: true, Input: int64(usage.PromptTokens), Output: int64(usage.CompletionTokens),
			CacheRead: int64(usage.PromptTokenDetails.CachedTokens), Reasoning: int64(usage.CompletionTokensDetails.ReasoningTokens)}
	}
	return r
}
