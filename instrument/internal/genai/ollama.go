package genai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Ollama's native API (github.com/ollama/ollama/api): /api/chat and
// /api/generate, answered whole or streamed as NDJSON (the default).

const providerOllama = "ollama"

// MatchOllama says which Ollama API an HTTP request calls, or 0.
func MatchOllama(r *http.Request) API {
	if r.Method != http.MethodPost || r.URL == nil {
		return 0
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, "/api/chat"):
		return APIOllamaChat
	case strings.HasSuffix(p, "/api/generate"):
		return APIOllamaGenerate
	}
	return 0
}

type ollamaMessage struct {
	Role      string `json:"role"`
	Content   string `json:"content"`
	Thinking  string `json:"thinking"`
	ToolCalls []struct {
		ID       string `json:"id"`
		Function struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
	ToolName   string `json:"tool_name"`
	ToolCallID string `json:"tool_call_id"`
}

func (m ollamaMessage) message() Message {
	msg := Message{Role: m.Role}
	if m.Role == conventions.GenAIRoleTool {
		msg.Parts = []Part{{Type: conventions.GenAIPartToolCallResponse, ID: m.ToolCallID, Name: m.ToolName, Response: m.Content}}
		return msg
	}
	if m.Thinking != "" {
		msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: m.Thinking})
	}
	if m.Content != "" {
		msg.Parts = append(msg.Parts, textPart(m.Content))
	}
	for _, tc := range m.ToolCalls {
		msg.Parts = append(msg.Parts, Part{Type: conventions.GenAIPartToolCall, ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	return msg
}

func parseOllamaRequest(api API, body []byte) (*Request, error) {
	var or struct {
		Model    string          `json:"model"`
		Messages []ollamaMessage `json:"messages"`
		Prompt   string          `json:"prompt"`
		System   string          `json:"system"`
		Stream   *bool           `json:"stream"`
		Format   json.RawMessage `json:"format"`
		Options  struct {
			Temperature      *float64 `json:"temperature"`
			TopP             *float64 `json:"top_p"`
			NumPredict       *int64   `json:"num_predict"`
			Seed             *int64   `json:"seed"`
			Stop             []string `json:"stop"`
			FrequencyPenalty *float64 `json:"frequency_penalty"`
			PresencePenalty  *float64 `json:"presence_penalty"`
		} `json:"options"`
	}
	if err := json.Unmarshal(body, &or); err != nil {
		return nil, fmt.Errorf("genai: ollama request: %w", err)
	}
	r := &Request{API: api, Model: or.Model, Provider: providerOllama, Stream: or.Stream == nil || *or.Stream}
	o := or.Options
	r.Params = appendFloat(r.Params, temperatureKey, o.Temperature)
	r.Params = appendFloat(r.Params, topPKey, o.TopP)
	r.Params = appendFloat(r.Params, frequencyPenaltyKey, o.FrequencyPenalty)
	r.Params = appendFloat(r.Params, presencePenaltyKey, o.PresencePenalty)
	r.Params = appendInt(r.Params, maxTokensKey, o.NumPredict)
	r.Params = appendInt(r.Params, seedKey, o.Seed)
	if len(o.Stop) > 0 {
		r.Params = append(r.Params, stopSequencesKey.StringSlice(o.Stop))
	}
	if len(or.Format) > 0 && string(or.Format) != "null" && string(or.Format) != `""` {
		r.Params = append(r.Params, outputTypeKey.String("json"))
	}
	if or.System != "" {
		r.System = []Part{textPart(or.System)}
	}
	for _, m := range or.Messages {
		r.Input = append(r.Input, m.message())
	}
	if or.Prompt != "" {
		r.Input = append(r.Input, Message{Role: conventions.GenAIRoleUser, Parts: []Part{textPart(or.Prompt)}})
	}
	return r, nil
}

// ollamaChunk is an answer of either API, whole or one line of a stream:
// the last (done) carries the finish reason and the token counts. Ollama
// reports no cached or reasoning counts.
type ollamaChunk struct {
	Model           string        `json:"model"`
	Message         ollamaMessage `json:"message"`
	Response        string        `json:"response"`
	Thinking        string        `json:"thinking"`
	Done            bool          `json:"done"`
	DoneReason      string        `json:"done_reason"`
	PromptEvalCount int64         `json:"prompt_eval_count"`
	EvalCount       int64         `json:"eval_count"`
	Error           string        `json:"error"`
}

// ollamaStream rebuilds an answer from its lines (a whole answer is one).
type ollamaStream struct {
	resp      Response
	text      strings.Builder
	thinking  strings.Builder
	calls     []Part
	done      bool
	reason    string
	lastError string
}

func (s *ollamaStream) event(_, data []byte) {
	var c ollamaChunk
	if json.Unmarshal(data, &c) != nil {
		return // not ours to judge: the caller's decoder reports it
	}
	if c.Error != "" {
		s.lastError = c.Error
		return
	}
	setIfEmpty(&s.resp.Model, c.Model)
	s.text.WriteString(c.Message.Content)
	s.text.WriteString(c.Response)
	s.thinking.WriteString(c.Message.Thinking)
	s.thinking.WriteString(c.Thinking)
	for _, p := range c.Message.message().Parts {
		if p.Type == conventions.GenAIPartToolCall {
			s.calls = append(s.calls, p)
		}
	}
	if c.Done {
		s.done, s.reason = true, c.DoneReason
		s.resp.Usage = Usage{Known: true, Input: c.PromptEvalCount, Output: c.EvalCount}
	}
}

func (s *ollamaStream) complete() bool { return s.done || s.lastError != "" }

func (s *ollamaStream) result(unfinished string) *Response {
	r := s.resp
	if s.lastError != "" {
		r.Err = &apiError{Message: s.lastError}
	}
	msg := Message{Role: conventions.GenAIRoleAssistant}
	if s.thinking.Len() > 0 {
		msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: s.thinking.String()})
	}
	if s.text.Len() > 0 {
		msg.Parts = append(msg.Parts, textPart(s.text.String()))
	}
	msg.Parts = append(msg.Parts, s.calls...)
	reason := s.reason
	switch {
	case !s.done:
		reason = unfinished
	case reason == "stop" && len(s.calls) > 0:
		reason = "tool_call"
	}
	msg.FinishReason = reason
	r.Output = []Message{msg}
	if reason != "" {
		r.FinishReasons = []string{reason}
	}
	return &r
}

func parseOllamaResponse(body []byte) (*Response, error) {
	s := &ollamaStream{}
	s.event(nil, body)
	if !s.complete() {
		return nil, fmt.Errorf("genai: ollama answer without done")
	}
	return s.result(""), nil
}
