package genai

import (
	"encoding/json"
	"fmt"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"go.opentelemetry.io/otel/attribute"
)

// API is the provider's endpoint a call went to.
type API uint8

// The APIs we read.
const (
	APIChat                  API = iota + 1 // POST /chat/completions
	APIResponses                            // POST /responses
	APIGemini                               // POST …/models/{model}:generateContent (gemini.go)
	APIOllamaChat                           // POST /api/chat (ollama.go)
	APIOllamaGenerate                       // POST /api/generate
	APIBedrockConverse                      // POST /model/{id}/converse (bedrock.go)
	APIBedrockConverseStream                // POST /model/{id}/converse-stream
	APIBedrockInvoke                        // POST /model/{id}/invoke
)

// Request is what a model call asked for.
type Request struct {
	API   API
	Model string
	// Provider is gen_ai.provider.name; empty means OpenAI.
	Provider string
	Stream   bool
	// Params are the gen_ai.request.* settings found in the body.
	Params []attribute.KeyValue
	// System holds the Responses API's instructions; chat system messages
	// stay in Input, as the spec wants for instructions that are part of
	// the history.
	System []Part
	Input  []Message
}

// chatRequest is the part of a Chat Completions request we read.
type chatRequest struct {
	Model               string        `json:"model"`
	Messages            []chatMessage `json:"messages"`
	Stream              bool          `json:"stream"`
	Temperature         *float64      `json:"temperature"`
	TopP                *float64      `json:"top_p"`
	MaxTokens           *int64        `json:"max_tokens"`
	MaxCompletionTokens *int64        `json:"max_completion_tokens"`
	FrequencyPenalty    *float64      `json:"frequency_penalty"`
	PresencePenalty     *float64      `json:"presence_penalty"`
	Stop                stopList      `json:"stop"`
	Seed                *int64        `json:"seed"`
	N                   *int64        `json:"n"`
	ServiceTier         string        `json:"service_tier"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format"`
}

type chatMessage struct {
	Role       string         `json:"role"`
	Content    textContent    `json:"content"`
	ToolCalls  []chatToolCall `json:"tool_calls"`
	ToolCallID string         `json:"tool_call_id"`
	Refusal    string         `json:"refusal"`
}

type chatToolCall struct {
	Index    int    `json:"index"`
	ID       string `json:"id"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// textContent is a message's content: a string, or an array of parts of
// which we keep the texts (text, input_text, output_text). Media parts are
// not captured: their bytes have no place in turn analytics.
type textContent []string

func (t *textContent) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = textContent{s}
		return nil
	}
	if len(b) == 0 || b[0] != '[' {
		return nil // null
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	for _, p := range parts {
		if p.Text != "" && (p.Type == "text" || p.Type == "input_text" || p.Type == "output_text") {
			*t = append(*t, p.Text)
		}
	}
	return nil
}

func (t textContent) parts() []Part {
	out := make([]Part, 0, len(t))
	for _, s := range t {
		out = append(out, textPart(s))
	}
	return out
}

// stopList is a string or an array of strings.
type stopList []string

func (s *stopList) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stopList{one}
	case len(b) > 0 && b[0] == '[':
		return json.Unmarshal(b, (*[]string)(s))
	}
	return nil
}

// ParseRequest reads the body of a call to api.
func ParseRequest(api API, body []byte) (*Request, error) {
	switch api {
	case APIChat:
		return parseChatRequest(body)
	case APIResponses:
		return parseResponsesRequest(body)
	case APIOllamaChat, APIOllamaGenerate:
		return parseOllamaRequest(api, body)
	}
	return nil, fmt.Errorf("genai: unknown API %d (Gemini and Bedrock have their own parsers)", api)
}

func parseChatRequest(body []byte) (*Request, error) {
	var cr chatRequest
	if err := json.Unmarshal(body, &cr); err != nil {
		return nil, fmt.Errorf("genai: chat completions request: %w", err)
	}
	r := &Request{API: APIChat, Model: cr.Model, Stream: cr.Stream}
	r.Params = appendFloat(r.Params, temperatureKey, cr.Temperature)
	r.Params = appendFloat(r.Params, topPKey, cr.TopP)
	r.Params = appendFloat(r.Params, frequencyPenaltyKey, cr.FrequencyPenalty)
	r.Params = appendFloat(r.Params, presencePenaltyKey, cr.PresencePenalty)
	if cr.MaxCompletionTokens != nil {
		cr.MaxTokens = cr.MaxCompletionTokens
	}
	r.Params = appendInt(r.Params, maxTokensKey, cr.MaxTokens)
	r.Params = appendInt(r.Params, seedKey, cr.Seed)
	if cr.N != nil && *cr.N != 1 {
		r.Params = append(r.Params, choiceCountKey.Int64(*cr.N))
	}
	if len(cr.Stop) > 0 {
		r.Params = append(r.Params, stopSequencesKey.StringSlice(cr.Stop))
	}
	if cr.ServiceTier != "" && cr.ServiceTier != "auto" {
		r.Params = append(r.Params, requestTierKey.String(cr.ServiceTier))
	}
	if cr.ResponseFormat != nil {
		r.Params = append(r.Params, outputTypeKey.String(outputType(cr.ResponseFormat.Type)))
	}
	r.Input = make([]Message, 0, len(cr.Messages))
	for _, m := range cr.Messages {
		msg := Message{Role: m.Role}
		if m.Role == "developer" {
			msg.Role = conventions.GenAIRoleSystem
		}
		if m.Role == conventions.GenAIRoleTool {
			msg.Parts = []Part{{Type: conventions.GenAIPartToolCallResponse, ID: m.ToolCallID, Response: joinTexts(m.Content)}}
		} else {
			msg.Parts = m.Content.parts()
		}
		for _, tc := range m.ToolCalls {
			msg.Parts = append(msg.Parts, toolCallPart(tc.ID, tc.Function.Name, tc.Function.Arguments))
		}
		r.Input = append(r.Input, msg)
	}
	return r, nil
}

func outputType(format string) string {
	if format == "json_object" || format == "json_schema" {
		return "json"
	}
	return "text"
}

func joinTexts(t textContent) string {
	if len(t) == 1 {
		return t[0]
	}
	var s string
	for _, x := range t {
		s += x
	}
	return s
}

func appendFloat(kv []attribute.KeyValue, k attribute.Key, v *float64) []attribute.KeyValue {
	if v == nil {
		return kv
	}
	return append(kv, k.Float64(*v))
}

func appendInt(kv []attribute.KeyValue, k attribute.Key, v *int64) []attribute.KeyValue {
	if v == nil {
		return kv
	}
	return append(kv, k.Int64(*v))
}
