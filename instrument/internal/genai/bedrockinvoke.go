package genai

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// InvokeModel's bodies are the model's own; Anthropic's Messages body is
// read, others give no content.

// anthropicContent is a message's content: a string, or blocks.
type anthropicContent []struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	Thinking  string          `json:"thinking"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
}

func (c *anthropicContent) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = anthropicContent{{Type: "text", Text: s}}
		return nil
	}
	type blocks anthropicContent
	return json.Unmarshal(b, (*blocks)(c))
}

func (c anthropicContent) message(role string) Message {
	msg := Message{Role: role}
	for _, b := range c {
		switch b.Type {
		case "text":
			msg.Parts = append(msg.Parts, textPart(b.Text))
		case "thinking":
			msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: b.Thinking})
		case "tool_use":
			msg.Parts = append(msg.Parts, Part{Type: conventions.GenAIPartToolCall, ID: b.ID, Name: b.Name, Arguments: b.Input})
		case "tool_result":
			msg.Role = conventions.GenAIRoleTool
			var inner anthropicContent
			result := string(b.Content)
			if json.Unmarshal(b.Content, &inner) == nil {
				result = ""
				for _, x := range inner {
					result += x.Text
				}
			}
			msg.Parts = append(msg.Parts, Part{Type: conventions.GenAIPartToolCallResponse, ID: b.ToolUseID, Response: result})
		}
	}
	return msg
}

func parseInvokeRequest(r *Request, body []byte) error {
	var ar struct {
		Messages []struct {
			Role    string           `json:"role"`
			Content anthropicContent `json:"content"`
		} `json:"messages"`
		System      json.RawMessage `json:"system"`
		MaxTokens   *int64          `json:"max_tokens"`
		Temperature *float64        `json:"temperature"`
		TopP        *float64        `json:"top_p"`
		Stop        []string        `json:"stop_sequences"`
	}
	if json.Unmarshal(body, &ar) != nil {
		return nil // another model family's body: the model and the counts only
	}
	r.Params = appendFloat(r.Params, temperatureKey, ar.Temperature)
	r.Params = appendFloat(r.Params, topPKey, ar.TopP)
	r.Params = appendInt(r.Params, maxTokensKey, ar.MaxTokens)
	if len(ar.Stop) > 0 {
		r.Params = append(r.Params, stopSequencesKey.StringSlice(ar.Stop))
	}
	var system anthropicContent
	if len(ar.System) > 0 && json.Unmarshal(ar.System, &system) == nil {
		r.System = system.message(conventions.GenAIRoleSystem).Parts
	}
	for _, m := range ar.Messages {
		r.Input = append(r.Input, m.Content.message(m.Role))
	}
	return nil
}

func parseInvokeResponse(body []byte) (*Response, error) {
	var ar struct {
		ID         string           `json:"id"`
		Model      string           `json:"model"`
		Content    anthropicContent `json:"content"`
		StopReason string           `json:"stop_reason"`
		Usage      *struct {
			InputTokens              int64 `json:"input_tokens"`
			OutputTokens             int64 `json:"output_tokens"`
			CacheReadInputTokens     int64 `json:"cache_read_input_tokens"`
			CacheCreationInputTokens int64 `json:"cache_creation_input_tokens"`
		} `json:"usage"`
	}
	r := &Response{}
	if json.Unmarshal(body, &ar) != nil || (ar.Content == nil && ar.Usage == nil) {
		return r, nil // not Anthropic's: the headers' counts (invokeUsage)
	}
	r.ID, r.Model = ar.ID, ar.Model
	msg := ar.Content.message(conventions.GenAIRoleAssistant)
	msg.FinishReason = bedrockFinish(ar.StopReason)
	r.Output = []Message{msg}
	if ar.StopReason != "" {
		r.FinishReasons = []string{msg.FinishReason}
	}
	if u := ar.Usage; u != nil {
		r.Usage = Usage{Known: true, Input: u.InputTokens + u.CacheReadInputTokens + u.CacheCreationInputTokens,
			Output: u.OutputTokens, CacheRead: u.CacheReadInputTokens}
	}
	return r, nil
}

// invokeUsage is the token counts of InvokeModel's answer headers, for the
// bodies that carry none.
func invokeUsage(h http.Header) Usage {
	in, errIn := strconv.ParseInt(h.Get(bedrockInputTokensHeader), 10, 64)
	out, errOut := strconv.ParseInt(h.Get(bedrockOutputTokensHeader), 10, 64)
	if errIn != nil || errOut != nil {
		return Usage{}
	}
	return Usage{Known: true, Input: in, Output: out}
}
