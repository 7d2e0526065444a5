package genkithelper

import (
	"encoding/json"
	"strings"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// Genkit's model request and response, as its spans carry them in JSON
// (genkit:input, genkit:output).

type part struct {
	Text        string `json:"text"`
	Reasoning   string `json:"reasoning"`
	ToolRequest *struct {
		Name  string          `json:"name"`
		Ref   string          `json:"ref"`
		Input json.RawMessage `json:"input"`
	} `json:"toolRequest"`
	ToolResponse *struct {
		Name   string          `json:"name"`
		Ref    string          `json:"ref"`
		Output json.RawMessage `json:"output"`
	} `json:"toolResponse"`
}

type message struct {
	Role    string `json:"role"`
	Content []part `json:"content"`
}

// genaiMessage is the GenAI message of a Genkit one: model is the
// assistant. Media parts are not captured.
func (m message) genaiMessage() genai.Message {
	role := m.Role
	if role == "model" {
		role = "assistant"
	}
	out := genai.Message{Role: role}
	for _, p := range m.Content {
		switch {
		case p.ToolRequest != nil:
			out.Parts = append(out.Parts, genai.ToolCallPart(p.ToolRequest.Ref, p.ToolRequest.Name, string(p.ToolRequest.Input)))
		case p.ToolResponse != nil:
			out.Parts = append(out.Parts, genai.ToolResultPart(p.ToolResponse.Ref, toolResult(string(p.ToolResponse.Output))))
		case p.Reasoning != "":
			out.Parts = append(out.Parts, genai.ReasoningPart(p.Reasoning))
		case p.Text != "":
			out.Parts = append(out.Parts, genai.TextPart(p.Text))
		}
	}
	return out
}

// modelCall reads a model action's span: name is the model's action name,
// "{provider}/{model}" (googleai/gemini-2.5-flash).
func modelCall(name, input, output string) (*genai.Request, *genai.Response) {
	provider, model, ok := strings.Cut(name, "/")
	if !ok {
		provider, model = "_OTHER", name
	}
	req := &genai.Request{Model: model, Provider: provider}
	var in struct {
		Messages []message `json:"messages"`
		Config   *struct {
			Temperature     *float64 `json:"temperature"`
			TopP            *float64 `json:"topP"`
			MaxOutputTokens *int64   `json:"maxOutputTokens"`
			StopSequences   []string `json:"stopSequences"`
		} `json:"config"`
	}
	if json.Unmarshal([]byte(input), &in) == nil {
		for _, m := range in.Messages {
			req.Input = append(req.Input, m.genaiMessage())
		}
		if c := in.Config; c != nil {
			req.SetSettings(genai.Settings{Temperature: c.Temperature, TopP: c.TopP, MaxTokens: c.MaxOutputTokens, Stop: c.StopSequences})
		}
	}
	var out struct {
		Message      *message `json:"message"`
		FinishReason string   `json:"finishReason"`
		Usage        *struct {
			InputTokens         int64 `json:"inputTokens"`
			OutputTokens        int64 `json:"outputTokens"`
			CachedContentTokens int64 `json:"cachedContentTokens"`
			ThoughtsTokens      int64 `json:"thoughtsTokens"`
		} `json:"usage"`
	}
	if output == "" || json.Unmarshal([]byte(output), &out) != nil {
		return req, nil
	}
	res := &genai.Response{}
	if out.Message != nil {
		msg := out.Message.genaiMessage()
		msg.Role = "assistant"
		msg.FinishReason = finishReason(out.FinishReason, msg)
		res.Output = []genai.Message{msg}
		if msg.FinishReason != "" {
			res.FinishReasons = []string{msg.FinishReason}
		}
	}
	if u := out.Usage; u != nil && (u.InputTokens > 0 || u.OutputTokens > 0) {
		// Output tokens include the thinking ones, which Genkit counts apart,
		// as the GenAI conventions count them.
		res.Usage = genai.Usage{Known: true, Input: u.InputTokens, Output: u.OutputTokens + u.ThoughtsTokens,
			CacheRead: u.CachedContentTokens, Reasoning: u.ThoughtsTokens}
	}
	return req, res
}

// finishReason maps Genkit's finish reasons (stop, length, blocked,
// interrupted, other) to the output message schema's; a stop with tool
// requests is a tool call.
func finishReason(reason string, msg genai.Message) string {
	switch reason {
	case "stop":
		for _, p := range msg.Parts {
			if p.Type == "tool_call" {
				return "tool_call"
			}
		}
		return "stop"
	case "blocked":
		return "content_filter"
	}
	return reason
}

// toolResult is a tool's output as text: a JSON string unquoted, other
// JSON as it is; tool.v2 actions wrap it as {"output": …}.
func toolResult(output string) string {
	var wrapped map[string]json.RawMessage
	if json.Unmarshal([]byte(output), &wrapped) == nil && len(wrapped) == 1 && wrapped["output"] != nil {
		output = string(wrapped["output"])
	}
	var s string
	if json.Unmarshal([]byte(output), &s) == nil {
		return s
	}
	return output
}
