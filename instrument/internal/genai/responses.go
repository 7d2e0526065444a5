package genai

import (
	"encoding/json"
	"fmt"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// responsesRequest is the part of a Responses API request we read.
type responsesRequest struct {
	Model           string          `json:"model"`
	Instructions    string          `json:"instructions"`
	Input           json.RawMessage `json:"input"`
	Stream          bool            `json:"stream"`
	Temperature     *float64        `json:"temperature"`
	TopP            *float64        `json:"top_p"`
	MaxOutputTokens *int64          `json:"max_output_tokens"`
	ServiceTier     string          `json:"service_tier"`
	Text            *struct {
		Format struct {
			Type string `json:"type"`
		} `json:"format"`
	} `json:"text"`
}

// responsesItem is an input or output item of the Responses API: a message,
// a function call or a function call's output (reasoning summaries too).
type responsesItem struct {
	Type      string      `json:"type"`
	Role      string      `json:"role"`
	Content   textContent `json:"content"`
	CallID    string      `json:"call_id"`
	Name      string      `json:"name"`
	Arguments string      `json:"arguments"`
	Output    textContent `json:"output"`
	Summary   []struct {
		Text string `json:"text"`
	} `json:"summary"`
}

func parseResponsesRequest(body []byte) (*Request, error) {
	var rr responsesRequest
	if err := json.Unmarshal(body, &rr); err != nil {
		return nil, fmt.Errorf("genai: responses request: %w", err)
	}
	r := &Request{API: APIResponses, Model: rr.Model, Stream: rr.Stream}
	r.Params = appendFloat(r.Params, temperatureKey, rr.Temperature)
	r.Params = appendFloat(r.Params, topPKey, rr.TopP)
	r.Params = appendInt(r.Params, maxTokensKey, rr.MaxOutputTokens)
	if rr.ServiceTier != "" && rr.ServiceTier != "auto" {
		r.Params = append(r.Params, requestTierKey.String(rr.ServiceTier))
	}
	if rr.Text != nil && rr.Text.Format.Type != "" {
		r.Params = append(r.Params, outputTypeKey.String(outputType(rr.Text.Format.Type)))
	}
	if rr.Instructions != "" {
		r.System = []Part{textPart(rr.Instructions)}
	}
	if len(rr.Input) > 0 && rr.Input[0] == '"' {
		var s string
		if err := json.Unmarshal(rr.Input, &s); err != nil {
			return nil, fmt.Errorf("genai: responses input: %w", err)
		}
		r.Input = []Message{{Role: conventions.GenAIRoleUser, Parts: []Part{textPart(s)}}}
		return r, nil
	}
	var items []responsesItem
	if len(rr.Input) > 0 && rr.Input[0] == '[' {
		if err := json.Unmarshal(rr.Input, &items); err != nil {
			return nil, fmt.Errorf("genai: responses input: %w", err)
		}
	}
	for _, it := range items {
		if m, ok := it.message(); ok {
			r.Input = append(r.Input, m)
		}
	}
	return r, nil
}

// message turns an item into a GenAI message; ok is false for items without
// anything a message holds.
func (it responsesItem) message() (Message, bool) {
	switch it.Type {
	case "function_call":
		return Message{Role: conventions.GenAIRoleAssistant, Parts: []Part{toolCallPart(it.CallID, it.Name, it.Arguments)}}, true
	case "function_call_output":
		return Message{Role: conventions.GenAIRoleTool, Parts: []Part{{Type: conventions.GenAIPartToolCallResponse, ID: it.CallID, Response: joinTexts(it.Output)}}}, true
	case "", "message":
		role := it.Role
		if role == "developer" {
			role = conventions.GenAIRoleSystem
		}
		return Message{Role: role, Parts: it.Content.parts()}, role != ""
	}
	return Message{}, false
}

// responsesObject is a Responses API response object, as answered or as
// carried by the stream's response.* events.
type responsesObject struct {
	ID                string          `json:"id"`
	Model             string          `json:"model"`
	Status            string          `json:"status"`
	Output            []responsesItem `json:"output"`
	Usage             *responsesUsage `json:"usage"`
	ServiceTier       string          `json:"service_tier"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Error *apiError `json:"error"`
}

type responsesUsage struct {
	InputTokens        int64 `json:"input_tokens"`
	OutputTokens       int64 `json:"output_tokens"`
	InputTokensDetails struct {
		CachedTokens int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// result turns the object into a Response: all output items make one
// assistant message, since the API answers one candidate.
func (o *responsesObject) result() *Response {
	r := &Response{ID: o.ID, Model: o.Model, ServiceTier: o.ServiceTier}
	if o.Usage != nil {
		r.Usage = Usage{Known: true, Input: o.Usage.InputTokens, Output: o.Usage.OutputTokens,
			CacheRead: o.Usage.InputTokensDetails.CachedTokens, Reasoning: o.Usage.OutputTokensDetails.ReasoningTokens}
	}
	msg := Message{Role: conventions.GenAIRoleAssistant}
	calls := false
	for _, it := range o.Output {
		switch it.Type {
		case "message":
			msg.Parts = append(msg.Parts, it.Content.parts()...)
		case "function_call":
			calls = true
			msg.Parts = append(msg.Parts, toolCallPart(it.CallID, it.Name, it.Arguments))
		case "reasoning":
			for _, s := range it.Summary {
				msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: s.Text})
			}
		}
	}
	reason := responsesFinish(o, calls)
	if reason != "" {
		r.FinishReasons = []string{reason}
	}
	msg.FinishReason = finishReasonOf(reason)
	if len(msg.Parts) > 0 || reason != "" {
		r.Output = []Message{msg}
	}
	if o.Error != nil {
		r.Err = o.Error
	}
	return r
}

// responsesFinish derives a finish reason, which the Responses API does not
// give: its status, incomplete reason and whether it calls tools.
func responsesFinish(o *responsesObject, calls bool) string {
	switch {
	case o.Status == "failed":
		return finishError
	case o.Status == "incomplete" && o.IncompleteDetails != nil:
		if o.IncompleteDetails.Reason == "max_output_tokens" {
			return "length"
		}
		return o.IncompleteDetails.Reason
	case o.Status == "cancelled":
		return finishCancelled
	case calls:
		return "tool_calls"
	case o.Status == "completed":
		return "stop"
	}
	return ""
}
