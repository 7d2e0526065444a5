package genai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Gemini's generateContent (Gemini API and Vertex AI, same JSON): the
// request and the answer, whole or streamed (?alt=sse).

// Values of gen_ai.provider.name for Gemini's two services.
const (
	providerGemini   = "gcp.gemini"
	providerVertexAI = "gcp.vertex_ai"
)

// MatchGemini says whether an HTTP request is a Gemini generateContent
// call (streamed or not), and returns its model, which the URL names
// (models/{model}:generateContent, Vertex AI's
// publishers/google/models/{model}:generateContent too).
func MatchGemini(r *http.Request) (model string, ok bool) {
	if r.Method != http.MethodPost || r.URL == nil {
		return "", false
	}
	p := r.URL.Path
	i := strings.LastIndex(p, "/models/")
	if i < 0 {
		return "", false
	}
	model, method, found := strings.Cut(p[i+len("/models/"):], ":")
	if !found || (method != "generateContent" && method != "streamGenerateContent") || model == "" {
		return "", false
	}
	return model, true
}

// ParseGeminiRequest reads the body of a generateContent call to model;
// path is the URL's (it tells Vertex AI from the Gemini API).
func ParseGeminiRequest(model, path string, body []byte) (*Request, error) {
	var gr struct {
		Contents          []geminiContent `json:"contents"`
		SystemInstruction *geminiContent  `json:"systemInstruction"`
		GenerationConfig  *struct {
			Temperature      *float64 `json:"temperature"`
			TopP             *float64 `json:"topP"`
			MaxOutputTokens  *int64   `json:"maxOutputTokens"`
			StopSequences    []string `json:"stopSequences"`
			CandidateCount   *int64   `json:"candidateCount"`
			Seed             *int64   `json:"seed"`
			PresencePenalty  *float64 `json:"presencePenalty"`
			FrequencyPenalty *float64 `json:"frequencyPenalty"`
			ResponseMimeType string   `json:"responseMimeType"`
		} `json:"generationConfig"`
	}
	if err := json.Unmarshal(body, &gr); err != nil {
		return nil, fmt.Errorf("genai: gemini request: %w", err)
	}
	r := &Request{API: APIGemini, Model: model, Provider: providerGemini,
		Stream: strings.HasSuffix(path, ":streamGenerateContent")}
	if strings.Contains(path, "/projects/") {
		r.Provider = providerVertexAI
	}
	if c := gr.GenerationConfig; c != nil {
		r.Params = appendFloat(r.Params, temperatureKey, c.Temperature)
		r.Params = appendFloat(r.Params, topPKey, c.TopP)
		r.Params = appendFloat(r.Params, frequencyPenaltyKey, c.FrequencyPenalty)
		r.Params = appendFloat(r.Params, presencePenaltyKey, c.PresencePenalty)
		r.Params = appendInt(r.Params, maxTokensKey, c.MaxOutputTokens)
		r.Params = appendInt(r.Params, seedKey, c.Seed)
		if c.CandidateCount != nil && *c.CandidateCount != 1 {
			r.Params = append(r.Params, choiceCountKey.Int64(*c.CandidateCount))
		}
		if len(c.StopSequences) > 0 {
			r.Params = append(r.Params, stopSequencesKey.StringSlice(c.StopSequences))
		}
		if c.ResponseMimeType == "application/json" {
			r.Params = append(r.Params, outputTypeKey.String("json"))
		}
	}
	if si := gr.SystemInstruction; si != nil {
		r.System = si.message().Parts
	}
	r.Input = make([]Message, 0, len(gr.Contents))
	for _, c := range gr.Contents {
		r.Input = append(r.Input, c.message())
	}
	return r, nil
}

// geminiContent is a Content: a role (user, model) and its parts.
type geminiContent struct {
	Role  string       `json:"role"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text         string `json:"text"`
	Thought      bool   `json:"thought"`
	FunctionCall *struct {
		ID   string          `json:"id"`
		Name string          `json:"name"`
		Args json.RawMessage `json:"args"`
	} `json:"functionCall"`
	FunctionResponse *struct {
		ID       string          `json:"id"`
		Name     string          `json:"name"`
		Response json.RawMessage `json:"response"`
	} `json:"functionResponse"`
}

// message is the content as a GenAI message: model is the assistant, a
// user content of function responses is the tool's. Media parts are not
// captured.
func (c geminiContent) message() Message {
	m := Message{Role: conventions.GenAIRoleUser}
	if c.Role == "model" {
		m.Role = conventions.GenAIRoleAssistant
	}
	for _, p := range c.Parts {
		switch {
		case p.FunctionCall != nil:
			m.Parts = append(m.Parts, Part{Type: conventions.GenAIPartToolCall, ID: p.FunctionCall.ID,
				Name: p.FunctionCall.Name, Arguments: p.FunctionCall.Args})
		case p.FunctionResponse != nil:
			m.Role = conventions.GenAIRoleTool
			m.Parts = append(m.Parts, Part{Type: conventions.GenAIPartToolCallResponse, ID: p.FunctionResponse.ID,
				Name: p.FunctionResponse.Name, Response: string(p.FunctionResponse.Response)})
		case p.Thought && p.Text != "":
			m.Parts = append(m.Parts, Part{Type: partReasoning, Content: p.Text})
		case p.Text != "":
			m.Parts = append(m.Parts, textPart(p.Text))
		}
	}
	return m
}

// geminiResponse is a GenerateContentResponse, whole or one chunk of a
// stream.
type geminiResponse struct {
	ResponseID   string `json:"responseId"`
	ModelVersion string `json:"modelVersion"`
	Candidates   []struct {
		Index        int           `json:"index"`
		Content      geminiContent `json:"content"`
		FinishReason string        `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata *struct {
		PromptTokenCount        int64 `json:"promptTokenCount"`
		CandidatesTokenCount    int64 `json:"candidatesTokenCount"`
		CachedContentTokenCount int64 `json:"cachedContentTokenCount"`
		ThoughtsTokenCount      int64 `json:"thoughtsTokenCount"`
		ToolUsePromptTokenCount int64 `json:"toolUsePromptTokenCount"`
	} `json:"usageMetadata"`
	Error *apiError `json:"error"`
}

// usage counts as the GenAI conventions do: input includes the cached and
// tool-use prompt tokens (Gemini's prompt count includes the cached ones),
// output includes the thinking tokens, which Gemini counts apart.
func (g *geminiResponse) usage() Usage {
	u := g.UsageMetadata
	if u == nil {
		return Usage{}
	}
	return Usage{Known: true, Input: u.PromptTokenCount + u.ToolUsePromptTokenCount,
		Output: u.CandidatesTokenCount + u.ThoughtsTokenCount, CacheRead: u.CachedContentTokenCount, Reasoning: u.ThoughtsTokenCount}
}

func parseGeminiResponse(body []byte) (*Response, error) {
	var g geminiResponse
	if err := json.Unmarshal(body, &g); err != nil {
		return nil, fmt.Errorf("genai: gemini response: %w", err)
	}
	r := &Response{ID: g.ResponseID, Model: g.ModelVersion, Usage: g.usage(), Err: g.Error}
	for _, c := range g.Candidates {
		msg := c.Content.message()
		msg.Role = conventions.GenAIRoleAssistant
		msg.FinishReason = geminiFinish(c.FinishReason, msg.Parts)
		r.Output = append(r.Output, msg)
		if c.FinishReason != "" {
			r.FinishReasons = append(r.FinishReasons, msg.FinishReason)
		}
	}
	return r, nil
}

// geminiFinish maps Gemini's finish reasons to the output message schema's:
// a stop with function calls is a tool call, the safety stops are
// content_filter.
func geminiFinish(reason string, parts []Part) string {
	switch reason {
	case "":
		return ""
	case "STOP":
		for _, p := range parts {
			if p.Type == conventions.GenAIPartToolCall {
				return "tool_call"
			}
		}
		return "stop"
	case "MAX_TOKENS":
		return "length"
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY":
		return "content_filter"
	}
	return strings.ToLower(reason)
}

// geminiStream rebuilds an answer from its chunks: each chunk carries the
// next parts of each candidate, the last its finish reason and the usage.
type geminiStream struct {
	resp       Response
	candidates []*geminiCandidate
	finished   bool
}

type geminiCandidate struct {
	text, thought strings.Builder
	calls         []Part
	finish        string
}

func (s *geminiStream) event(_, data []byte) {
	var g geminiResponse
	if json.Unmarshal(data, &g) != nil {
		return // not ours to judge: the caller's decoder reports it
	}
	setIfEmpty(&s.resp.ID, g.ResponseID)
	setIfEmpty(&s.resp.Model, g.ModelVersion)
	if g.UsageMetadata != nil {
		s.resp.Usage = g.usage()
	}
	if g.Error != nil {
		s.resp.Err = g.Error
	}
	for _, c := range g.Candidates {
		if c.Index < 0 || c.Index > 127 {
			continue // a bound on what a hostile stream can make us hold
		}
		for len(s.candidates) <= c.Index {
			s.candidates = append(s.candidates, &geminiCandidate{})
		}
		gc := s.candidates[c.Index]
		for _, p := range c.Content.message().Parts {
			switch p.Type {
			case conventions.GenAIPartText:
				gc.text.WriteString(p.Content)
			case partReasoning:
				gc.thought.WriteString(p.Content)
			case conventions.GenAIPartToolCall:
				gc.calls = append(gc.calls, p)
			}
		}
		if c.FinishReason != "" {
			gc.finish = c.FinishReason
			s.finished = true
		}
	}
}

// complete reports whether a candidate finished: the last chunk came.
func (s *geminiStream) complete() bool { return s.finished }

func (s *geminiStream) result(unfinished string) *Response {
	r := s.resp
	r.Output, r.FinishReasons = nil, nil
	for _, gc := range s.candidates {
		msg := Message{Role: conventions.GenAIRoleAssistant}
		if gc.thought.Len() > 0 {
			msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: gc.thought.String()})
		}
		if gc.text.Len() > 0 {
			msg.Parts = append(msg.Parts, textPart(gc.text.String()))
		}
		msg.Parts = append(msg.Parts, gc.calls...)
		msg.FinishReason = geminiFinish(gc.finish, msg.Parts)
		if msg.FinishReason == "" {
			msg.FinishReason = unfinished
		}
		r.Output = append(r.Output, msg)
		if msg.FinishReason != "" {
			r.FinishReasons = append(r.FinishReasons, msg.FinishReason)
		}
	}
	return &r
}
