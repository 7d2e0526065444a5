package translate

import (
	"bytes"
	"encoding/json"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Tool arguments as the model gave them. Some instrumentations record a
// tool span's input as the tool function received it, not as the model
// asked for it: LangChain's TOOL span under OpenInference has input.value
// "Paris" (text/plain, the single argument) where the model asked for
// {"city":"Paris"}. A function whose args are not a JSON object or array
// takes the arguments of the model's tool call in the batch, read from the
// model calls' outputs: the call with the function's call id, else the
// only call of its tool name in its trace (one set of arguments, however
// many places record it). With neither, its args stay as the span had
// them: nothing is guessed.

// modelToolCall is one tool call a model call's output asks for.
type modelToolCall struct {
	trace    trace.TraceID
	id, name string
	args     string
}

// fillToolArgs applies the rule to the function records of recs; views
// are the views of the spans' attributes. A batch whose model calls can
// give no tool call's arguments (mayGiveToolArgs) is left as it is, without
// asking of each function's args whether they are JSON.
func (t *Translator) fillToolArgs(spans []spanview.Span, views []attrView, recs []record) {
	var calls []modelToolCall
	read, asked := false, false
	for i := range recs {
		r := &recs[i]
		if r.kind != sc.EventFunction || r.fromHistory {
			continue
		}
		if !asked {
			asked = true
			if !mayGiveToolArgs(views, recs) {
				return
			}
		}
		if isJSONContainer(r.call.Args) {
			continue
		}
		if !read {
			read = true
			for j := range recs {
				if isModelCall(&recs[j]) {
					calls = appendOutputToolCalls(calls, &spans[recs[j].span])
				}
			}
		}
		if args, ok := modelArgsFor(calls, spans[r.span].TraceID(), r.toolCallID, r.call.Name); ok {
			r.call.Args = t.cut(args)
		}
	}
}

// mayGiveToolArgs says whether a model call of recs may give tool calls
// that appendOutputToolCalls reads: one whose span has a key its scan
// collects (OpenInference's output messages among them), or an output
// (gen_ai.output.messages, output.value) that names a tool_call.
func mayGiveToolArgs(views []attrView, recs []record) bool {
	for i := range recs {
		if !isModelCall(&recs[i]) {
			continue
		}
		v := &views[recs[i].span]
		if v.scans {
			return true
		}
		for _, k := range [...]viewKey{outputMessagesVK, outputValueVK} {
			if text, ok := valueText(v, k); ok && mentionsToolCall(text) {
				return true
			}
		}
	}
	return false
}

var outputMessagesVK = registerKey(string(conventions.GenAIOutputMessagesKey))

// valueText is the value of key k as AsString gives it, as
// appendOutputToolCalls reads outputs; a string attribute, as outputs
// nearly always are, read in the span's attributes as it is (see
// firstValueString).
func valueText(v *attrView, k viewKey) (string, bool) {
	if a := v.indexed(k); a != nil && a.Type() == attribute.STRING {
		return a.AsString(), true
	}
	val, ok := v.get(k)
	return val.AsString(), ok
}

// mentionsToolCall is strings.Contains(s, "tool_call"), which in message
// JSON stops at every t (of text, type, content, …): it looks at the
// underscores only, of which a model's output has few.
func mentionsToolCall(s string) bool {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '_')
		if i < 0 {
			return false
		}
		u := off + i
		if u >= len("tool") && s[u-len("tool"):u] == "tool" && strings.HasPrefix(s[u+1:], "call") {
			return true
		}
		off = u + 1
	}
}

// isJSONContainer says whether s is a JSON object or array. It asks of
// every tool span's args: messages.Valid answers as json.Valid, in a
// fraction of its instructions and without copying s.
func isJSONContainer(s string) bool {
	s = messages.TrimSpace(s)
	return s != "" && (s[0] == '{' || s[0] == '[') && messages.Valid(s)
}

// modelArgsFor finds the arguments of a tool run among the model's calls
// of its trace: by call id, else by name when the trace holds one set of
// arguments for that name.
func modelArgsFor(calls []modelToolCall, tr trace.TraceID, id, name string) (string, bool) {
	var byName string
	n := 0
	for _, c := range calls {
		if c.trace != tr {
			continue
		}
		if id != "" && c.id == id {
			return c.args, true
		}
		if c.name == name && c.args != byName {
			byName = c.args
			n++
		}
	}
	return byName, n == 1
}

// appendOutputToolCalls appends the tool calls the span's output asks for
// that carry arguments: OpenInference's flattened output messages, and the
// GenAI output messages' tool_call parts or OpenAI's tool_calls in
// gen_ai.output.messages and output.value.
func appendOutputToolCalls(calls []modelToolCall, s *spanview.Span) []modelToolCall {
	tr := s.TraceID()
	type key struct{ msg, call int }
	flat := map[key]*modelToolCall{}
	var order []key
	s.Attributes().Range(func(k string, v spanview.Value) bool {
		rest, ok := strings.CutPrefix(k, conventions.OpenInferenceOutputMessagesPrefix)
		if !ok {
			return true
		}
		msg, tail, ok := splitIndex(rest)
		if !ok {
			return true
		}
		if tail, ok = strings.CutPrefix(tail, conventions.OpenInferenceToolCallsPrefix); !ok {
			return true
		}
		call, field, ok := splitIndex(tail)
		if !ok {
			return true
		}
		kk := key{msg, call}
		c := flat[kk]
		if c == nil {
			c = &modelToolCall{trace: tr}
			flat[kk] = c
			order = append(order, kk)
		}
		switch field {
		case conventions.OpenInferenceToolCallIDField:
			c.id = v.AsString()
		case conventions.OpenInferenceToolCallNameField:
			c.name = v.AsString()
		case conventions.OpenInferenceToolCallArgumentsField:
			c.args = canonicalArgs(json.RawMessage(v.AsString()))
		}
		return true
	})
	for _, kk := range order {
		if c := flat[kk]; c.name != "" && c.args != "" {
			calls = append(calls, *c)
		}
	}
	for _, k := range []string{string(conventions.GenAIOutputMessagesKey), string(conventions.OutputValueKey)} {
		v, ok := s.Attributes().Get(k)
		if !ok {
			continue
		}
		text := messages.TrimSpace(v.AsString())
		if text == "" || (text[0] != '{' && text[0] != '[') || !strings.Contains(text, "tool_call") {
			continue // the common case, without parsing
		}
		var doc any
		if json.Unmarshal([]byte(text), &doc) == nil {
			calls = walkToolCalls(calls, tr, doc, 0)
		}
	}
	return calls
}

// maxToolCallDepth bounds the walk of an output's JSON.
const maxToolCallDepth = 16

// walkToolCalls appends the tool calls found in a decoded JSON value: GenAI
// parts ({type: tool_call, id, name, arguments}), LangChain's ({type:
// tool_call, id, name, args}) and OpenAI's ({id, function: {name,
// arguments}} under tool_calls).
func walkToolCalls(calls []modelToolCall, tr trace.TraceID, v any, depth int) []modelToolCall {
	if depth > maxToolCallDepth {
		return calls
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			calls = walkToolCalls(calls, tr, e, depth+1)
		}
	case map[string]any:
		if v["type"] == "tool_call" {
			name, _ := v["name"].(string)
			args, ok := v["arguments"]
			if !ok {
				args = v["args"]
			}
			if c, ok := newModelToolCall(tr, v["id"], name, args); ok {
				return append(calls, c)
			}
		}
		if list, ok := v["tool_calls"].([]any); ok {
			for _, e := range list {
				call, _ := e.(map[string]any)
				fn, _ := call["function"].(map[string]any)
				if name, _ := fn["name"].(string); name != "" {
					if c, ok := newModelToolCall(tr, call["id"], name, fn["arguments"]); ok {
						calls = append(calls, c)
					}
				}
			}
		}
		for k, e := range v {
			if k != "tool_calls" {
				calls = walkToolCalls(calls, tr, e, depth+1)
			}
		}
	}
	return calls
}

func newModelToolCall(tr trace.TraceID, id any, name string, args any) (modelToolCall, bool) {
	if name == "" || args == nil {
		return modelToolCall{}, false
	}
	var raw json.RawMessage
	if s, ok := args.(string); ok {
		raw = json.RawMessage(s) // OpenAI's arguments: JSON in a string
	} else if b, err := json.Marshal(args); err == nil {
		raw = b
	}
	c := modelToolCall{trace: tr, name: name, args: canonicalArgs(raw)}
	c.id, _ = id.(string)
	return c, c.args != ""
}

// canonicalArgs is arguments JSON compacted, so that one call recorded in
// several places compares equal; "" when it is not a JSON object or array.
func canonicalArgs(raw json.RawMessage) string {
	if !isJSONContainer(string(raw)) {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, bytes.TrimSpace(raw)) != nil {
		return ""
	}
	return buf.String()
}
