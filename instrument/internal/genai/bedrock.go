package genai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Amazon Bedrock's runtime API: Converse and ConverseStream (one JSON for
// every model), and InvokeModel with Anthropic's Messages body (the models
// most used through it); other InvokeModel bodies give the model and the
// token counts Bedrock puts in the answer's headers.

const providerBedrock = "aws.bedrock"

// Headers in which Bedrock reports InvokeModel's token counts.
const (
	bedrockInputTokensHeader  = "X-Amzn-Bedrock-Input-Token-Count"
	bedrockOutputTokensHeader = "X-Amzn-Bedrock-Output-Token-Count"
)

// MatchBedrock says which Bedrock API an HTTP request calls, and its model
// (the path's model id, unescaped: an id, or an ARN).
func MatchBedrock(r *http.Request) (API, string) {
	if r.Method != http.MethodPost || r.URL == nil {
		return 0, ""
	}
	p := r.URL.EscapedPath()
	i := strings.Index(p, "/model/")
	if i < 0 {
		return 0, ""
	}
	escaped, op, ok := strings.Cut(p[i+len("/model/"):], "/")
	if !ok {
		return 0, ""
	}
	model, err := url.PathUnescape(escaped)
	if err != nil || model == "" {
		return 0, ""
	}
	switch op {
	case "converse":
		return APIBedrockConverse, model
	case "converse-stream":
		return APIBedrockConverseStream, model
	case "invoke":
		return APIBedrockInvoke, model
	}
	return 0, ""
}

// ParseBedrockRequest reads the body of a call to api for model.
func ParseBedrockRequest(api API, model string, body []byte) (*Request, error) {
	r := &Request{API: api, Model: model, Provider: providerBedrock, Stream: api == APIBedrockConverseStream}
	if api == APIBedrockInvoke {
		return r, parseInvokeRequest(r, body)
	}
	var cr struct {
		Messages []bedrockMessage `json:"messages"`
		System   []struct {
			Text string `json:"text"`
		} `json:"system"`
		InferenceConfig *struct {
			MaxTokens     *int64   `json:"maxTokens"`
			Temperature   *float64 `json:"temperature"`
			TopP          *float64 `json:"topP"`
			StopSequences []string `json:"stopSequences"`
		} `json:"inferenceConfig"`
	}
	if err := json.Unmarshal(body, &cr); err != nil {
		return nil, fmt.Errorf("genai: bedrock converse request: %w", err)
	}
	if c := cr.InferenceConfig; c != nil {
		r.Params = appendFloat(r.Params, temperatureKey, c.Temperature)
		r.Params = appendFloat(r.Params, topPKey, c.TopP)
		r.Params = appendInt(r.Params, maxTokensKey, c.MaxTokens)
		if len(c.StopSequences) > 0 {
			r.Params = append(r.Params, stopSequencesKey.StringSlice(c.StopSequences))
		}
	}
	for _, s := range cr.System {
		if s.Text != "" {
			r.System = append(r.System, textPart(s.Text))
		}
	}
	for _, m := range cr.Messages {
		r.Input = append(r.Input, m.message())
	}
	return r, nil
}

// bedrockMessage is a Converse message: a role and content blocks.
type bedrockMessage struct {
	Role    string         `json:"role"`
	Content []bedrockBlock `json:"content"`
}

type bedrockBlock struct {
	Text    string `json:"text"`
	ToolUse *struct {
		ToolUseID string          `json:"toolUseId"`
		Name      string          `json:"name"`
		Input     json.RawMessage `json:"input"`
	} `json:"toolUse"`
	ToolResult *struct {
		ToolUseID string `json:"toolUseId"`
		Content   []struct {
			Text string          `json:"text"`
			JSON json.RawMessage `json:"json"`
		} `json:"content"`
	} `json:"toolResult"`
	ReasoningContent *struct {
		ReasoningText *struct {
			Text string `json:"text"`
		} `json:"reasoningText"`
	} `json:"reasoningContent"`
}

// message is the GenAI message of m: a user message of tool results is the
// tool's. Images, documents and video are not captured.
func (m bedrockMessage) message() Message {
	msg := Message{Role: m.Role}
	for _, b := range m.Content {
		switch {
		case b.ToolUse != nil:
			msg.Parts = append(msg.Parts, Part{Type: conventions.GenAIPartToolCall, ID: b.ToolUse.ToolUseID, Name: b.ToolUse.Name, Arguments: b.ToolUse.Input})
		case b.ToolResult != nil:
			msg.Role = conventions.GenAIRoleTool
			var result strings.Builder
			for _, c := range b.ToolResult.Content {
				result.WriteString(c.Text)
				result.Write(c.JSON)
			}
			msg.Parts = append(msg.Parts, Part{Type: conventions.GenAIPartToolCallResponse, ID: b.ToolResult.ToolUseID, Response: result.String()})
		case b.ReasoningContent != nil && b.ReasoningContent.ReasoningText != nil:
			msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: b.ReasoningContent.ReasoningText.Text})
		case b.Text != "":
			msg.Parts = append(msg.Parts, textPart(b.Text))
		}
	}
	return msg
}

// bedrockUsage counts as the GenAI conventions do: input includes the
// tokens read from and written to the cache, which Bedrock counts apart.
type bedrockUsage struct {
	InputTokens           int64 `json:"inputTokens"`
	OutputTokens          int64 `json:"outputTokens"`
	CacheReadInputTokens  int64 `json:"cacheReadInputTokens"`
	CacheWriteInputTokens int64 `json:"cacheWriteInputTokens"`
}

func (u *bedrockUsage) usage() Usage {
	if u == nil {
		return Usage{}
	}
	return Usage{Known: true, Input: u.InputTokens + u.CacheReadInputTokens + u.CacheWriteInputTokens,
		Output: u.OutputTokens, CacheRead: u.CacheReadInputTokens}
}

func parseConverseResponse(body []byte) (*Response, error) {
	var cr struct {
		Output struct {
			Message *bedrockMessage `json:"message"`
		} `json:"output"`
		StopReason string        `json:"stopReason"`
		Usage      *bedrockUsage `json:"usage"`
	}
	if err := json.Unmarshal(body, &cr); err != nil {
		return nil, fmt.Errorf("genai: bedrock converse response: %w", err)
	}
	r := &Response{Usage: cr.Usage.usage()}
	if m := cr.Output.Message; m != nil {
		msg := m.message()
		msg.Role = conventions.GenAIRoleAssistant
		msg.FinishReason = bedrockFinish(cr.StopReason)
		r.Output = []Message{msg}
	}
	if cr.StopReason != "" {
		r.FinishReasons = []string{bedrockFinish(cr.StopReason)}
	}
	return r, nil
}

// bedrockFinish maps Bedrock's (and Anthropic's) stop reasons to the output
// message schema's.
func bedrockFinish(reason string) string {
	switch reason {
	case "end_turn", "stop_sequence":
		return "stop"
	case "tool_use":
		return "tool_call"
	case "max_tokens", "model_context_window_exceeded":
		return "length"
	case "guardrail_intervened", "content_filtered", "refusal":
		return "content_filter"
	}
	return reason
}
