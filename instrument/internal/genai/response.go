package genai

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Response is what a model call answered.
type Response struct {
	ID, Model     string
	ServiceTier   string
	Fingerprint   string
	Output        []Message // one per choice
	FinishReasons []string
	Usage         Usage
	// Err is an error the answer itself carries (a failed response).
	Err *apiError
}

// Usage is the token counts of a call. Known is false when the answer had
// none, as a stream without stream_options.include_usage.
type Usage struct {
	Known                               bool
	Input, Output, CacheRead, Reasoning int64
}

type chatUsage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	PromptTokensDetails struct {
		CachedTokens int64 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

func (u *chatUsage) usage() Usage {
	if u == nil {
		return Usage{}
	}
	return Usage{Known: true, Input: u.PromptTokens, Output: u.CompletionTokens,
		CacheRead: u.PromptTokensDetails.CachedTokens, Reasoning: u.CompletionTokensDetails.ReasoningTokens}
}

type chatCompletion struct {
	ID                string     `json:"id"`
	Model             string     `json:"model"`
	ServiceTier       string     `json:"service_tier"`
	SystemFingerprint string     `json:"system_fingerprint"`
	Usage             *chatUsage `json:"usage"`
	Choices           []struct {
		Index        int         `json:"index"`
		Message      chatMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
}

// apiError is the body of an OpenAI error answer ({"error": {…}}) and the
// error of a failed response.
type apiError struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	// Status is Google's error status (INVALID_ARGUMENT, …).
	Status string `json:"status"`
}

// kind is the error.type of the error: the provider's code when it gives
// one, as the spec asks, else its type, else fallback.
func (e *apiError) kind(fallback string) string {
	if e != nil {
		var code string
		if json.Unmarshal(e.Code, &code) == nil && code != "" {
			return code
		}
		if e.Status != "" {
			return e.Status
		}
		if e.Type != "" {
			return e.Type
		}
	}
	return fallback
}

// ParseResponse reads a whole (not streamed) answer to api.
func ParseResponse(api API, body []byte) (*Response, error) {
	switch api {
	case APIChat:
		var cc chatCompletion
		if err := json.Unmarshal(body, &cc); err != nil {
			return nil, fmt.Errorf("genai: chat completion: %w", err)
		}
		r := &Response{ID: cc.ID, Model: cc.Model, ServiceTier: cc.ServiceTier, Fingerprint: cc.SystemFingerprint,
			Usage: cc.Usage.usage()}
		for _, ch := range cc.Choices {
			msg := Message{Role: conventions.GenAIRoleAssistant, Parts: ch.Message.Content.parts(), FinishReason: finishReasonOf(ch.FinishReason)}
			if ch.Message.Refusal != "" {
				msg.Parts = append(msg.Parts, textPart(ch.Message.Refusal))
			}
			for _, tc := range ch.Message.ToolCalls {
				msg.Parts = append(msg.Parts, toolCallPart(tc.ID, tc.Function.Name, tc.Function.Arguments))
			}
			r.Output = append(r.Output, msg)
			r.FinishReasons = append(r.FinishReasons, ch.FinishReason)
		}
		return r, nil
	case APIResponses:
		var o responsesObject
		if err := json.Unmarshal(body, &o); err != nil {
			return nil, fmt.Errorf("genai: response object: %w", err)
		}
		return o.result(), nil
	case APIGemini:
		return parseGeminiResponse(body)
	case APIOllamaChat, APIOllamaGenerate:
		return parseOllamaResponse(body)
	case APIBedrockConverse:
		return parseConverseResponse(body)
	case APIBedrockInvoke:
		return parseInvokeResponse(body)
	}
	return nil, fmt.Errorf("genai: unknown API %d", api)
}

// parseErrorBody reads an error answer; a body that is not OpenAI's error
// JSON gives an error of the HTTP status.
func parseErrorBody(status int, body []byte) *apiError {
	var wrapper struct {
		Error *apiError `json:"error"`
	}
	if json.Unmarshal(body, &wrapper) == nil && wrapper.Error != nil {
		return wrapper.Error
	}
	msg := string(body)
	if len(msg) > 256 {
		msg = msg[:256]
	}
	return &apiError{Message: msg, Code: json.RawMessage(strconv.Quote(strconv.Itoa(status)))}
}
