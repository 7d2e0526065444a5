package genai

import (
	"encoding/binary"
	"encoding/json"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// eventstreamParser splits AWS's binary event stream (ConverseStream's
// answer) into its messages, from bytes fed in whatever pieces the reader
// got them: a prelude (total and headers lengths, CRC), headers, payload,
// CRC. It reads :event-type (or :exception-type) and hands on the payload;
// the CRCs are the SDK's to check. A message longer than maxJSONBody stops
// the parsing, a bound on what a stream can make us hold.
type eventstreamParser struct {
	buf      []byte
	broken   bool
	dispatch func(event, data []byte)
}

func (p *eventstreamParser) write(b []byte) {
	if p.broken {
		return
	}
	p.buf = append(p.buf, b...)
	for len(p.buf) >= 12 {
		total := int(binary.BigEndian.Uint32(p.buf[0:4]))
		headers := int(binary.BigEndian.Uint32(p.buf[4:8]))
		if total < 16 || total > maxJSONBody || headers > total-16 {
			p.broken, p.buf = true, nil
			return
		}
		if len(p.buf) < total {
			return
		}
		msg := p.buf[:total]
		event := eventType(msg[12 : 12+headers])
		p.dispatch(event, msg[12+headers:total-4])
		p.buf = p.buf[total:]
	}
}

func (p *eventstreamParser) flush() {}

// eventType finds :event-type or :exception-type among a message's headers
// (name length, name, value type, value); "exception" prefixes the latter.
func eventType(h []byte) []byte {
	for len(h) > 0 {
		n := int(h[0])
		if len(h) < 2+n {
			return nil
		}
		name := string(h[1 : 1+n])
		typ := h[1+n]
		h = h[2+n:]
		var size int
		switch typ {
		case 0, 1: // true, false
		case 2:
			size = 1
		case 3:
			size = 2
		case 4:
			size = 4
		case 5, 8:
			size = 8
		case 9:
			size = 16
		case 6, 7: // bytes, string: a 2-byte length first
			if len(h) < 2 {
				return nil
			}
			l := int(binary.BigEndian.Uint16(h))
			if len(h) < 2+l {
				return nil
			}
			if typ == 7 && (name == ":event-type" || name == ":exception-type") {
				v := h[2 : 2+l]
				if name == ":exception-type" {
					return append([]byte("exception:"), v...)
				}
				return v
			}
			size = 2 + l
		default:
			return nil
		}
		if len(h) < size {
			return nil
		}
		h = h[size:]
	}
	return nil
}

// converseStream rebuilds a Converse answer from its events: text and
// reasoning deltas, tool uses from their start and input fragments, the
// stop reason, and the metadata event's usage.
type converseStream struct {
	resp      Response
	text      strings.Builder
	reasoning strings.Builder
	calls     []*streamCall
	blockCall map[int]*streamCall
	stop      string
	metadata  bool
}

func (s *converseStream) event(event, data []byte) {
	var ev struct {
		ContentBlockIndex int `json:"contentBlockIndex"`
		Start             *struct {
			ToolUse *struct {
				ToolUseID string `json:"toolUseId"`
				Name      string `json:"name"`
			} `json:"toolUse"`
		} `json:"start"`
		Delta *struct {
			Text    *string `json:"text"`
			ToolUse *struct {
				Input string `json:"input"`
			} `json:"toolUse"`
			ReasoningContent *struct {
				Text string `json:"text"`
			} `json:"reasoningContent"`
		} `json:"delta"`
		StopReason string        `json:"stopReason"`
		Usage      *bedrockUsage `json:"usage"`
		Message    string        `json:"message"`
	}
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	switch e := string(event); {
	case e == "contentBlockStart" && ev.Start != nil && ev.Start.ToolUse != nil:
		if s.blockCall == nil {
			s.blockCall = make(map[int]*streamCall)
		}
		if len(s.calls) < 128 { // a bound on what a hostile stream can make us hold
			c := &streamCall{id: ev.Start.ToolUse.ToolUseID, name: ev.Start.ToolUse.Name}
			s.calls = append(s.calls, c)
			s.blockCall[ev.ContentBlockIndex] = c
		}
	case e == "contentBlockDelta" && ev.Delta != nil:
		switch d := ev.Delta; {
		case d.Text != nil:
			s.text.WriteString(*d.Text)
		case d.ToolUse != nil:
			if c := s.blockCall[ev.ContentBlockIndex]; c != nil {
				c.args.WriteString(d.ToolUse.Input)
			}
		case d.ReasoningContent != nil:
			s.reasoning.WriteString(d.ReasoningContent.Text)
		}
	case e == "messageStop":
		s.stop = ev.StopReason
	case e == "metadata":
		s.metadata = true
		s.resp.Usage = ev.Usage.usage()
	case strings.HasPrefix(e, "exception:"):
		s.resp.Err = &apiError{Message: ev.Message, Type: strings.TrimPrefix(e, "exception:")}
	}
}

// complete reports whether the metadata event, the last, came.
func (s *converseStream) complete() bool { return s.metadata || s.resp.Err != nil }

func (s *converseStream) result(unfinished string) *Response {
	r := s.resp
	msg := Message{Role: conventions.GenAIRoleAssistant}
	if s.reasoning.Len() > 0 {
		msg.Parts = append(msg.Parts, Part{Type: partReasoning, Content: s.reasoning.String()})
	}
	if s.text.Len() > 0 {
		msg.Parts = append(msg.Parts, textPart(s.text.String()))
	}
	for _, c := range s.calls {
		msg.Parts = append(msg.Parts, toolCallPart(c.id, c.name, c.args.String()))
	}
	reason := bedrockFinish(s.stop)
	if s.stop == "" {
		reason = unfinished
	}
	msg.FinishReason = reason
	r.Output = []Message{msg}
	if reason != "" {
		r.FinishReasons = []string{reason}
	}
	return &r
}
