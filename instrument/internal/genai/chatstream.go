package genai

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// chatStream rebuilds a chat completion from its chunks: texts, tool calls
// from their fragments, finish reasons, and the usage of the last chunk
// (empty choices) that stream_options.include_usage asks for.
type chatStream struct {
	resp    Response
	choices []*chatChoice
	done    bool // [DONE] seen
	chunks  int
}

type chatChoice struct {
	text    strings.Builder
	refusal strings.Builder
	calls   []*streamCall
	finish  string
}

// streamCall is a tool call being assembled: its id and name come in the
// first fragment, its arguments in pieces.
type streamCall struct {
	id, name string
	args     strings.Builder
}

type chatChunk struct {
	ID                string     `json:"id"`
	Model             string     `json:"model"`
	ServiceTier       string     `json:"service_tier"`
	SystemFingerprint string     `json:"system_fingerprint"`
	Usage             *chatUsage `json:"usage"`
	Choices           []struct {
		Index int `json:"index"`
		Delta struct {
			Content   *string        `json:"content"`
			Refusal   *string        `json:"refusal"`
			ToolCalls []chatToolCall `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

var doneMarker = []byte("[DONE]")

func (s *chatStream) event(_, data []byte) {
	if bytes.Equal(bytes.TrimSpace(data), doneMarker) {
		s.done = true
		return
	}
	var c chatChunk
	if json.Unmarshal(data, &c) != nil {
		return // not ours to judge: the caller's decoder reports it
	}
	s.chunks++
	setIfEmpty(&s.resp.ID, c.ID)
	setIfEmpty(&s.resp.Model, c.Model)
	setIfEmpty(&s.resp.ServiceTier, c.ServiceTier)
	setIfEmpty(&s.resp.Fingerprint, c.SystemFingerprint)
	if c.Usage != nil {
		s.resp.Usage = c.Usage.usage()
	}
	for _, ch := range c.Choices {
		if ch.Index < 0 || ch.Index > 127 {
			continue // a bound on what a hostile stream can make us hold
		}
		for len(s.choices) <= ch.Index {
			s.choices = append(s.choices, &chatChoice{})
		}
		cc := s.choices[ch.Index]
		if ch.Delta.Content != nil {
			cc.text.WriteString(*ch.Delta.Content)
		}
		if ch.Delta.Refusal != nil {
			cc.refusal.WriteString(*ch.Delta.Refusal)
		}
		for _, tc := range ch.Delta.ToolCalls {
			if tc.Index < 0 || tc.Index > 127 {
				continue
			}
			for len(cc.calls) <= tc.Index {
				cc.calls = append(cc.calls, &streamCall{})
			}
			call := cc.calls[tc.Index]
			setIfEmpty(&call.id, tc.ID)
			setIfEmpty(&call.name, tc.Function.Name)
			call.args.WriteString(tc.Function.Arguments)
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			cc.finish = *ch.FinishReason
		}
	}
}

// complete reports whether the stream reached its end marker.
func (s *chatStream) complete() bool { return s.done }

// result is the call's answer so far; unfinished choices get reason.
func (s *chatStream) result(unfinished string) *Response {
	r := s.resp
	r.Output, r.FinishReasons = nil, nil
	for _, cc := range s.choices {
		finish := cc.finish
		if finish == "" {
			finish = unfinished
		}
		msg := Message{Role: conventions.GenAIRoleAssistant, FinishReason: finishReasonOf(finish)}
		if cc.text.Len() > 0 {
			msg.Parts = append(msg.Parts, textPart(cc.text.String()))
		}
		if cc.refusal.Len() > 0 {
			msg.Parts = append(msg.Parts, textPart(cc.refusal.String()))
		}
		for _, c := range cc.calls {
			msg.Parts = append(msg.Parts, toolCallPart(c.id, c.name, c.args.String()))
		}
		r.Output = append(r.Output, msg)
		if finish != "" {
			r.FinishReasons = append(r.FinishReasons, finish)
		}
	}
	return &r
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" && v != "" {
		*dst = v
	}
}
