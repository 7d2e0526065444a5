package translate

import (
	"testing"

	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestExchangeFromMessageAttrs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, out  string
		want     exchange
		inStruct func(pcommon.Value)
	}{
		{
			name: "last user message with text wins",
			in: `[{"role":"user","parts":[{"type":"text","content":"first"}]},{"role":"assistant","parts":[{"type":"text","content":"x"}]},` +
				`{"role":"user","parts":[{"type":"text","content":"second"}]},{"role":"user","parts":[{"type":"image","uri":"u"}]}]`,
			out:  `[{"role":"assistant","parts":[{"type":"text","content":"one"},{"type":"text","content":"two"}]}]`,
			want: exchange{user: "second", assistant: "one\ntwo"},
		},
		{
			name: "text with a tool call is not the answer yet",
			in:   `[{"role":"user","parts":[{"type":"text","content":"q"}]}]`,
			out:  `[{"role":"assistant","parts":[{"type":"text","content":"Let me check."},{"type":"tool_call","name":"f"}]}]`,
			want: exchange{user: "q", assistant: "Let me check.", toolCalls: true},
		},
		{
			name: "OpenAI shape: content string, content parts, tool_calls",
			in:   `[{"role":"user","content":[{"type":"text","text":"hello"}]}]`,
			out:  `[{"role":"assistant","content":null,"tool_calls":[{"id":"1","function":{"name":"f"}}]}]`,
			want: exchange{user: "hello", toolCalls: true},
		},
		{
			name: "a string slice of JSON messages, Gemini's model role",
			inStruct: func(v pcommon.Value) {
				sl := v.SetEmptySlice()
				sl.AppendEmpty().SetStr(`{"role":"system","content":"sys"}`)
				sl.AppendEmpty().SetStr(`{"role":"user","parts":[{"type":"text","content":"hey"}]}`)
			},
			out:  `[{"role":"model","parts":[{"type":"text","content":"yo"}]}]`,
			want: exchange{user: "hey", assistant: "yo"},
		},
		{
			name: "a content string and an odd typed field still read",
			in:   `[{"role":"user","content":"plain","tool_calls":"not a list"}]`,
			out:  `{"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"tool_use","name":"f"}]}}]}`,
			want: exchange{user: "plain", assistant: "a", toolCalls: true},
		},
		{
			name: "parts of the wrong type are skipped, the rest read",
			in:   `[{"role":"user","content":[1,{"type":"text","text":"ok"}]}]`,
			want: exchange{user: "ok"},
		},
		{
			name: "broken JSON and other shapes give nothing",
			in:   `[{"role":"user",`,
			out:  `{"unexpected":true}`,
			want: exchange{},
		},
		{
			name: "structured pdata value",
			inStruct: func(v pcommon.Value) {
				msg := v.SetEmptySlice().AppendEmpty().SetEmptyMap()
				msg.PutStr("role", "user")
				part := msg.PutEmptySlice("parts").AppendEmpty().SetEmptyMap()
				part.PutStr("type", "text")
				part.PutStr("content", "structured")
			},
			want: exchange{user: "structured"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := pcommon.NewMap()
			if tc.inStruct != nil {
				tc.inStruct(m.PutEmpty(string(sc.GenAIInputMessagesKey)))
			} else {
				m.PutStr(string(sc.GenAIInputMessagesKey), tc.in)
			}
			if tc.out != "" {
				m.PutStr(string(sc.GenAIOutputMessagesKey), tc.out)
			}
			assert.Equal(t, tc.want, exchangeFromMessageAttrs(pdataAttrs(m)))
		})
	}
}

func TestIndexedMessages(t *testing.T) {
	m := pcommon.NewMap()
	m.PutStr("gen_ai.prompt.10.role", "user")
	m.PutStr("gen_ai.prompt.10.content", "tenth")
	m.PutStr("gen_ai.prompt.2.role", "user")
	m.PutStr("gen_ai.prompt.2.content", "second")
	m.PutStr("gen_ai.prompt.x.role", "user")           // no index: ignored
	m.PutStr("gen_ai.prompt.99999999999.role", "user") // absurd index: ignored
	m.PutStr("gen_ai.prompt.3", "no field")            // no field: ignored
	tr := newTranslator(t)
	s := tr.scanAttrs(pdataAttrs(m))
	assert.Equal(t, "tenth", indexedExchange(s.olIn, s.olOut).user, "ordered by number, not by text")
}

func TestEventMessagesAcceptStructuredBodies(t *testing.T) {
	m := pcommon.NewMap()
	body := m.PutEmptyMap(string(sc.EventMessageKey))
	body.PutStr("role", "assistant")
	body.PutStr("content", "from a map")
	assert.Equal(t, "from a map", eventMessage(pdataAttrs(m), sc.EventMessageKey).text)
}
