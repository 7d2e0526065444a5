package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

func TestExchangeFromMessageAttrs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, out  string
		want     messages.Exchange
		inStruct attribute.Value
	}{
		{
			name: "last user message with text wins",
			in: `[{"role":"user","parts":[{"type":"text","content":"first"}]},{"role":"assistant","parts":[{"type":"text","content":"x"}]},` +
				`{"role":"user","parts":[{"type":"text","content":"second"}]},{"role":"user","parts":[{"type":"image","uri":"u"}]}]`,
			out:  `[{"role":"assistant","parts":[{"type":"text","content":"one"},{"type":"text","content":"two"}]}]`,
			want: messages.Exchange{User: "second", Assistant: "one\ntwo"},
		},
		{
			name: "text with a tool call is not the answer yet",
			in:   `[{"role":"user","parts":[{"type":"text","content":"q"}]}]`,
			out:  `[{"role":"assistant","parts":[{"type":"text","content":"Let me check."},{"type":"tool_call","name":"f"}]}]`,
			want: messages.Exchange{User: "q", Assistant: "Let me check.", ToolCalls: true},
		},
		{
			name: "OpenAI shape: content string, content parts, tool_calls",
			in:   `[{"role":"user","content":[{"type":"text","text":"hello"}]}]`,
			out:  `[{"role":"assistant","content":null,"tool_calls":[{"id":"1","function":{"name":"f"}}]}]`,
			want: messages.Exchange{User: "hello", ToolCalls: true},
		},
		{
			name: "a string slice of JSON messages, Gemini's model role",
			inStruct: attribute.StringSliceValue([]string{`{"role":"system","content":"sys"}`,
				`{"role":"user","parts":[{"type":"text","content":"hey"}]}`}),
			out:  `[{"role":"model","parts":[{"type":"text","content":"yo"}]}]`,
			want: messages.Exchange{User: "hey", Assistant: "yo"},
		},
		{
			name: "a content string and an odd typed field still read",
			in:   `[{"role":"user","content":"plain","tool_calls":"not a list"}]`,
			out:  `{"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"tool_use","name":"f"}]}}]}`,
			want: messages.Exchange{User: "plain", Assistant: "a", ToolCalls: true},
		},
		{
			name: "parts of the wrong type are skipped, the rest read",
			in:   `[{"role":"user","content":[1,{"type":"text","text":"ok"}]}]`,
			want: messages.Exchange{User: "ok"},
		},
		{
			name: "broken JSON and other shapes give nothing",
			in:   `[{"role":"user",`,
			out:  `{"unexpected":true}`,
			want: messages.Exchange{},
		},
		{
			name: "structured value",
			inStruct: attribute.SliceValue(attribute.MapValue(attribute.String("role", "user"),
				attribute.KeyValue{Key: "parts", Value: attribute.SliceValue(attribute.MapValue(
					attribute.String("type", "text"), attribute.String("content", "structured")))})),
			want: messages.Exchange{User: "structured"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kvs []attribute.KeyValue
			if tc.inStruct.Type() != attribute.EMPTY {
				kvs = append(kvs, attribute.KeyValue{Key: conventions.GenAIInputMessagesKey, Value: tc.inStruct})
			} else {
				kvs = append(kvs, conventions.GenAIInputMessagesKey.String(tc.in))
			}
			if tc.out != "" {
				kvs = append(kvs, conventions.GenAIOutputMessagesKey.String(tc.out))
			}
			assert.Equal(t, tc.want, exchangeFromMessageAttrs(spanview.AttrsOf(kvs)))
		})
	}
}

func TestIndexedMessages(t *testing.T) {
	kvs := []attribute.KeyValue{
		attribute.String("gen_ai.prompt.10.role", "user"),
		attribute.String("gen_ai.prompt.10.content", "tenth"),
		attribute.String("gen_ai.prompt.2.role", "user"),
		attribute.String("gen_ai.prompt.2.content", "second"),
		attribute.String("gen_ai.prompt.x.role", "user"),           // no index: ignored
		attribute.String("gen_ai.prompt.99999999999.role", "user"), // absurd index: ignored
		attribute.String("gen_ai.prompt.3", "no field"),            // no field: ignored
	}
	tr := newTranslator(t)
	s := tr.scanAttrs(spanview.AttrsOf(kvs))
	assert.Equal(t, "tenth", indexedExchange(s.olIn, s.olOut).User, "ordered by number, not by text")
}
