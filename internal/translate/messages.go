package translate

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// exchange is what a model call said: the last user message, the output
// text, and whether the output asks for tools.
type exchange struct {
	user      string
	assistant string
	toolCalls bool
}

// merge fills what e lacks from o.
func (e *exchange) merge(o exchange) {
	if e.user == "" {
		e.user = o.user
	}
	if e.assistant == "" {
		e.assistant = o.assistant
	}
	e.toolCalls = e.toolCalls || o.toolCalls
}

func (e *exchange) complete() bool { return e.user != "" && e.assistant != "" }

// message is one chat message reduced to what the translation needs.
type message struct {
	role      string
	text      string
	toolCalls bool
	// textKind is, while the scanner reads, what text holds as the body of
	// a JSON string (escapes, non-ASCII) that is decoded only if the
	// summary keeps it (msgSummary.decode); 0 once decoded.
	textKind strKind
}

// lastUser returns the text of the last user message with text.
func lastUser(msgs []message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].role == sc.GenAIRoleUser && msgs[i].text != "" {
			return msgs[i].text
		}
	}
	return ""
}

// output returns the text of the first output message (choice) with text,
// and whether any output message calls tools.
func output(msgs []message) exchange {
	var e exchange
	for _, m := range msgs {
		if m.role != "" && m.role != sc.GenAIRoleAssistant && m.role != "model" {
			continue
		}
		if e.assistant == "" {
			e.assistant = m.text
		}
		e.toolCalls = e.toolCalls || m.toolCalls
	}
	return e
}

// exchangeFromMessageAttrs reads gen_ai.input.messages and
// gen_ai.output.messages, as a JSON string or as a structured value.
func exchangeFromMessageAttrs(a spanview.Attrs) exchange {
	v := newAttrView(a)
	return messageAttrsExchange(&spanView{attrView: &v})
}

// The message keys, by their index in messageKeys (attrView.messages).
const (
	inputMsgs = iota
	outputMsgs
	vercelPromptMsgs
)

// messageAttrsExchange is exchangeFromMessageAttrs of a span's view.
func messageAttrsExchange(a *spanView) exchange {
	var e exchange
	if m := a.messages(inputMsgs); m.set {
		e.user = m.sum.lastUser
	}
	if m := a.messages(outputMsgs); m.set {
		e.merge(m.sum.out)
	}
	return e
}

// summaryOfValue is [messagesFromValue] summarized: JSON strings, the
// common case, go through the scanner (summarizeMessages), structured
// values through the full decode.
func summaryOfValue(v spanview.Value) (sum msgSummary, text string) {
	if v.Kind() == spanview.KindString {
		s := v.Str()
		if t := strings.TrimSpace(s); t != "" && (t[0] == '[' || t[0] == '{') {
			if sum, ok := summarizeMessages(t); ok {
				return sum, ""
			}
		}
		return msgSummary{}, s
	}
	msgs, text := messagesFromValue(v)
	return summarize(msgs), text
}

// messagesFromValue reads the messages a value holds: a JSON string, a
// structured value (encoded to JSON first, so that one decoder reads both),
// or a list of JSON strings, one message each. A string that is not JSON
// comes back as text.
func messagesFromValue(v spanview.Value) (msgs []message, text string) {
	switch v.Kind() {
	case spanview.KindString:
		s := v.Str()
		if t := strings.TrimSpace(s); t != "" && (t[0] == '[' || t[0] == '{') {
			if msgs, ok := parseMessages([]byte(t)); ok {
				return msgs, ""
			}
		}
		return nil, s
	case spanview.KindSlice, spanview.KindMap:
		raw := v.Raw()
		if list, ok := raw.([]any); ok && allStrings(list) {
			for _, el := range list {
				m, _ := parseMessages([]byte(el.(string)))
				msgs = append(msgs, m...)
			}
			return msgs, ""
		}
		msgs, _ = parseMessages([]byte(v.AsString())) // the JSON of the value
		return msgs, ""
	}
	return nil, ""
}

func allStrings(list []any) bool {
	for _, el := range list {
		if _, ok := el.(string); !ok {
			return false
		}
	}
	return len(list) > 0
}

// jsonMessage is the union of the message shapes we read: GenAI
// ({role, parts}), OpenAI/Anthropic ({role, content, tool_calls}), a choice
// ({message}), and the wrappers {"messages": […]} and {"choices": […]}.
type jsonMessage struct {
	Role         string        `json:"role"`
	Parts        []jsonPart    `json:"parts"`
	Content      jsonContent   `json:"content"`
	ToolCalls    []struct{}    `json:"tool_calls"`
	FunctionCall *struct{}     `json:"function_call"`
	Message      *jsonMessage  `json:"message"`
	Messages     []jsonMessage `json:"messages"`
	Choices      []jsonMessage `json:"choices"`
}

// jsonPart is one part of a message: text ({type: text, content} in GenAI,
// {type: text, text} elsewhere), a tool call (tool_call, tool_use,
// function_call), or something without turn text (tool results, media,
// reasoning).
type jsonPart struct {
	Type    string `json:"type"`
	Content any    `json:"content"`
	Text    any    `json:"text"`
}

// jsonContent is a message's content: a string or a list of parts.
type jsonContent struct {
	text  string
	parts []jsonPart
}

// UnmarshalJSON keeps a string or a list of parts and ignores other shapes.
func (c *jsonContent) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		return json.Unmarshal(b, &c.text)
	case '[':
		if err := json.Unmarshal(b, &c.parts); err != nil && !isTypeError(err) {
			return err
		}
	}
	return nil
}

// parseMessages decodes b; ok is false when b is not JSON. Values of
// unexpected types are skipped, the rest still read. It is the full decode:
// JSON strings go through the scanner (summarizeMessages), which leaves to
// it the shapes it does not read itself and is fuzzed against it.
func parseMessages(b []byte) (msgs []message, ok bool) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, false
	}
	var list []jsonMessage
	switch t[0] {
	case '[':
		if err := json.Unmarshal(t, &list); err != nil && !isTypeError(err) {
			return nil, false
		}
	case '{':
		var one jsonMessage
		if err := json.Unmarshal(t, &one); err != nil && !isTypeError(err) {
			return nil, false
		}
		switch {
		case len(one.Messages) > 0:
			list = one.Messages
		case len(one.Choices) > 0:
			list = one.Choices
		default:
			list = []jsonMessage{one}
		}
	default:
		return nil, false
	}
	msgs = make([]message, len(list))
	for i := range list {
		msgs[i] = list[i].reduce()
	}
	return msgs, true
}

func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// reduce keeps what the translation needs of a message; a choice is read
// through its message.
func (m *jsonMessage) reduce() message {
	if m.Message != nil {
		return m.Message.reduce()
	}
	msg := message{role: m.Role, toolCalls: len(m.ToolCalls) > 0 || m.FunctionCall != nil}
	var text string
	text = readParts(m.Parts, text, &msg)
	if m.Content.text != "" {
		text = appendText(text, m.Content.text)
	}
	msg.text = readParts(m.Content.parts, text, &msg)
	return msg
}

func readParts(parts []jsonPart, text string, msg *message) string {
	for i := range parts {
		p := &parts[i]
		switch p.Type {
		case sc.GenAIPartText, "", "input_text", "output_text":
			if s, _ := p.Content.(string); s != "" {
				text = appendText(text, s)
			} else if s, _ := p.Text.(string); s != "" {
				text = appendText(text, s)
			}
		case sc.GenAIPartToolCall, "tool_use", "function_call":
			msg.toolCalls = true
		case sc.GenAIPartToolCallResponse, "tool_result", "function_call_output",
			"reasoning", "thinking", "generic", "blob", "file", "uri", "image", "image_url", "input_image", "audio", "input_audio":
			// Deliberately skipped: tool results are not the user's words,
			// reasoning is not the answer, media has no turn text.
		}
	}
	return text
}

// appendText joins text parts with newlines.
func appendText(text, s string) string {
	if text == "" {
		return s
	}
	return text + "\n" + s
}

// exchangeFromEvents reads the deprecated per-message span events:
// gen_ai.user.message (content), gen_ai.choice (message or content),
// gen_ai.content.prompt (gen_ai.prompt) and gen_ai.content.completion
// (gen_ai.completion). Any of them may carry gen_ai.event.content instead.
func exchangeFromEvents(evs spanview.Events) exchange {
	var e, out exchange // out: what output() reads of the outputs, in order
	for i := 0; i < evs.Len(); i++ {
		ev := evs.At(i)
		switch ev.Name {
		case sc.GenAIUserMessageEvent:
			if m := eventMessage(ev.Attrs, sc.EventContentKey, sc.GenAIEventContentKey); m.text != "" {
				e.user = m.text // the last one wins
			}
		case sc.GenAIChoiceEvent:
			m := eventMessage(ev.Attrs, sc.EventMessageKey, sc.EventContentKey, sc.GenAIEventContentKey)
			out.merge(exchange{assistant: m.text, toolCalls: m.toolCalls}) // role "": an output
		case sc.GenAIContentPromptEvent:
			if u := eventPrompt(ev.Attrs); u != "" {
				e.user = u
			}
		case sc.GenAIContentCompletionEvent:
			if v, ok := ev.Attrs.Get(string(sc.GenAICompletionKey)); ok {
				out.merge(completionOutput(v))
			}
		}
	}
	e.merge(out)
	return e
}

// eventMessage reads the first of keys that holds a message: plain text or
// a message object (possibly as JSON).
func eventMessage(a spanview.Attrs, keys ...attribute.Key) message {
	for _, k := range keys {
		v, ok := a.Get(string(k))
		if !ok {
			continue
		}
		sum, text := summaryOfValue(v)
		if text != "" {
			return message{text: text}
		}
		if m := sum.first; m.text != "" || m.toolCalls {
			m.role = "" // the event's name says who spoke
			return m
		}
	}
	return message{}
}

func eventPrompt(a spanview.Attrs) string {
	v, ok := a.Get(string(sc.GenAIPromptKey))
	if !ok {
		return ""
	}
	sum, text := summaryOfValue(v)
	if text != "" {
		return text
	}
	return sum.lastUser
}

// completionOutput reads a completion: plain text, one message, or a list.
func completionOutput(v spanview.Value) exchange {
	sum, text := summaryOfValue(v)
	if text != "" {
		return exchange{assistant: text}
	}
	return sum.out
}
