package genai

import (
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Constructors of message parts and ends of calls for the helpers that see
// a library's own values instead of HTTP bodies (eino's callbacks).

// TextPart is a part of text.
func TextPart(s string) Part { return textPart(s) }

// ReasoningPart is a part of the model's reasoning.
func ReasoningPart(s string) Part { return Part{Type: partReasoning, Content: s} }

// ToolCallPart is a tool call; args is kept as JSON when it is JSON.
func ToolCallPart(id, name, args string) Part { return toolCallPart(id, name, args) }

// ToolResultPart is a tool call's result.
func ToolResultPart(id, result string) Part {
	return Part{Type: conventions.GenAIPartToolCallResponse, ID: id, Response: result}
}

// FinishReason maps a finish reason in OpenAI's words (stop, length,
// tool_calls, content_filter) to the output message schema's.
func FinishReason(openai string) string { return finishReasonOf(openai) }

// EndResponse ends the span of a call with what it answered, now.
func (c *Call) EndResponse(res *Response) { c.end(res, nil, time.Time{}) }

// Settings are the request settings a library reports (nil or empty: not
// set).
type Settings struct {
	Temperature, TopP *float64
	MaxTokens         *int64
	Stop              []string
}

// SetSettings adds the settings to the request's gen_ai.request.* params.
func (r *Request) SetSettings(s Settings) {
	r.Params = appendFloat(r.Params, temperatureKey, s.Temperature)
	r.Params = appendFloat(r.Params, topPKey, s.TopP)
	r.Params = appendInt(r.Params, maxTokensKey, s.MaxTokens)
	if len(s.Stop) > 0 {
		r.Params = append(r.Params, stopSequencesKey.StringSlice(s.Stop))
	}
}
