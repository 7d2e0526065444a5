package genai

import (
	"encoding/json"
	"strings"
)

// responsesStream follows a Responses API stream. Its terminal event
// (response.completed, .incomplete or .failed) carries the whole response
// object, which wins; until then the output items and their text and
// argument deltas are kept, so that a stream cut short still shows what
// the caller got.
type responsesStream struct {
	last     *responsesObject // the newest response object an event carried
	items    []*streamItem    // by output_index
	terminal bool
	failure  *apiError // an "error" event
	events   int
}

type streamItem struct {
	item responsesItem
	text strings.Builder
	args strings.Builder
	done bool
}

type responsesEvent struct {
	Type        string           `json:"type"`
	Response    *responsesObject `json:"response"`
	OutputIndex int              `json:"output_index"`
	Item        *responsesItem   `json:"item"`
	Delta       string           `json:"delta"`
	Message     string           `json:"message"`
	Code        json.RawMessage  `json:"code"`
}

func (s *responsesStream) event(_, data []byte) {
	var ev responsesEvent
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	s.events++
	if ev.Response != nil {
		s.last = ev.Response
	}
	switch ev.Type {
	case "response.completed", "response.incomplete", "response.failed":
		s.terminal = true
	case "error":
		s.failure = &apiError{Message: ev.Message, Code: ev.Code}
		s.terminal = true
	case "response.output_item.added", "response.output_item.done":
		if it := s.itemAt(ev.OutputIndex); it != nil && ev.Item != nil {
			it.item = *ev.Item
			it.done = ev.Type == "response.output_item.done"
		}
	case "response.output_text.delta":
		if it := s.itemAt(ev.OutputIndex); it != nil {
			it.text.WriteString(ev.Delta)
		}
	case "response.function_call_arguments.delta":
		if it := s.itemAt(ev.OutputIndex); it != nil {
			it.args.WriteString(ev.Delta)
		}
	}
}

func (s *responsesStream) itemAt(i int) *streamItem {
	if i < 0 || i > 127 {
		return nil
	}
	for len(s.items) <= i {
		s.items = append(s.items, &streamItem{})
	}
	return s.items[i]
}

func (s *responsesStream) complete() bool { return s.terminal }

// result is the response: the terminal object when there was one, else one
// built from the items seen, with the unfinished reason.
func (s *responsesStream) result(unfinished string) *Response {
	obj := responsesObject{}
	if s.last != nil {
		obj = *s.last
	}
	if !s.terminal || len(obj.Output) == 0 {
		obj.Output = obj.Output[:0:0]
		for _, it := range s.items {
			item := it.item
			if !it.done { // deltas are all we have of an unfinished item
				if item.Type == "message" && it.text.Len() > 0 {
					item.Content = textContent{it.text.String()}
				}
				if item.Type == "function_call" {
					item.Arguments = it.args.String()
				}
			}
			obj.Output = append(obj.Output, item)
		}
	}
	if !s.terminal {
		obj.Status = ""
	}
	r := obj.result()
	if s.failure != nil {
		r.Err = s.failure
	}
	if !s.terminal && unfinished != "" {
		r.FinishReasons = []string{unfinished}
		if len(r.Output) == 0 {
			r.Output = []Message{{Role: "assistant"}}
		}
		r.Output[0].FinishReason = unfinished
	}
	return r
}
