package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// genkitAction is a Genkit action span's attributes, as Genkit's
// core/tracing writes them.
func genkitAction(subtype, name, input, output string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("genkit:type", "action"), conventions.GenkitSubtypeKey.String(subtype),
		conventions.GenkitNameKey.String(name), conventions.GenkitInputKey.String(input), conventions.GenkitOutputKey.String(output),
		attribute.String("genkit:state", "success"),
	}
}

const (
	genkitToolRequest = `{"messages":[{"role":"system","content":[{"text":"Be brief."}]},{"role":"user","content":[{"text":"Weather in Paris?"}]}],"tools":[{"name":"get_weather"}]}`
	genkitToolCallOut = `{"finishReason":"stop","message":{"role":"model","content":[{"toolRequest":{"name":"get_weather","ref":"call_1","input":{"city":"Paris"}}}]},` +
		`"usage":{"inputTokens":100,"outputTokens":20,"totalTokens":120,"cachedContentTokens":64,"thoughtsTokens":8}}`
	genkitAnswerRequest = `{"messages":[{"role":"user","content":[{"text":"Weather in Paris?"}]},` +
		`{"role":"model","content":[{"toolRequest":{"name":"get_weather","ref":"call_1","input":{"city":"Paris"}}}]},` +
		`{"role":"tool","content":[{"toolResponse":{"name":"get_weather","ref":"call_1","output":{"c":18}}}]}]}`
	genkitAnswerOut = `{"finishReason":"stop","message":{"role":"model","content":[{"text":"18 °C."}]},"usage":{"inputTokens":150,"outputTokens":5,"totalTokens":155},` +
		`"custom":{"id":"chatcmpl-9","model":"gpt-5-mini-2025-08-07"}}`
)

// genkitFlow is a Genkit flow of a tool call as Genkit for Go traces it:
// the flow ⊃ a helper span with the session ⊃ generate (util) ⊃ the model
// action, the tool action, and a second generate ⊃ the second model action.
// The util spans repeat their model action's response, usage included.
func genkitFlow() []spanSpec {
	return []spanSpec{
		root("travel", 0, 10*time.Second, genkitAction("flow", "travel", `"Weather in Paris?"`, `"18 °C."`)...),
		child(0, "send", time.Second, 9*time.Second, conventions.GenkitSessionIDKey.String("sess-g"), conventions.GenkitThreadNameKey.String("main"),
			attribute.String("genkit:type", "helper")),
		child(1, "generate", 2*time.Second, 8*time.Second, genkitAction("util", "generate", genkitToolRequest, genkitAnswerOut)...),
		child(2, "openai/gpt-5-mini", 2*time.Second, 3*time.Second, genkitAction("model", "openai/gpt-5-mini", genkitToolRequest, genkitToolCallOut)...),
		child(2, "get_weather", 3*time.Second, 4*time.Second, genkitAction("tool.v2", "get_weather", `{"city":"Paris"}`, `{"output":{"c":18}}`)...),
		child(2, "generate", 4*time.Second, 8*time.Second, genkitAction("util", "generate", genkitAnswerRequest, genkitAnswerOut)...),
		child(5, "openai/gpt-5-mini", 4*time.Second, 7*time.Second, genkitAction("model", "openai/gpt-5-mini", genkitAnswerRequest, genkitAnswerOut)...),
	}
}

func TestGenkitFlowBecomesUsageFunctionAndTurn(t *testing.T) {
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, genkitFlow()...))
	require.Empty(t, errs)
	assert.Equal(t, []string{"sess-g"}, sessionsOf(evs), "genkit:sessionId on an ancestor names the session")
	m := modelEvents(evs)
	require.Len(t, m, 2, "the two model actions, once each: neither the util spans nor the flow count")
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event, "the call that asked for the tool is usage")
	assert.Equal(t, props{"model": "gpt-5-mini", "prompt_tokens": int64(100), "completion_tokens": int64(20),
		"cached_tokens": int64(64), "reasoning_tokens": int64(8)}, pick(m[0].Properties, "model", "prompt_tokens", "completion_tokens", "cached_tokens", "reasoning_tokens"),
		"OpenAI's completion tokens hold the reasoning ones: the total (120 = 100 + 20) says so, nothing is added")
	require.Equal(t, mindlytics.EventConversationTurn, m[1].Event)
	assert.Equal(t, "Weather in Paris?", m[1].Properties["user"], "the last user message of the request, not the tool's response")
	assert.Equal(t, "18 °C.", m[1].Properties["assistant"])
	assert.Equal(t, "gpt-5-mini-2025-08-07", m[1].Properties["model"], "the plugin's custom.model is the answered model")
	fns := functionsOf(evs)
	require.Len(t, fns, 1)
	assert.Equal(t, "get_weather", fns[0]["name"])
	assert.JSONEq(t, `{"city":"Paris"}`, fns[0]["args"].(string))
	assert.JSONEq(t, `{"c":18}`, fns[0]["result"].(string), "a tool.v2 action's {output: …} is unwrapped")
}

func TestGenkitUsageAddsThoughtsOnlyWhenTheTotalHoldsThemApart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		usage string
		out   int64
	}{
		{"apart (Gemini)", `{"inputTokens":10,"outputTokens":5,"thoughtsTokens":7,"totalTokens":22}`, 12},
		{"included (OpenAI)", `{"inputTokens":10,"outputTokens":12,"thoughtsTokens":7,"totalTokens":22}`, 12},
		{"no total: as given", `{"inputTokens":10,"outputTokens":5,"thoughtsTokens":7}`, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := `{"message":{"role":"model","content":[{"text":"hi"}]},"usage":` + tc.usage + `}`
			evs, errs := translateSpans(t, nil, recordSpans(t, nil,
				root("googleai/gemini-2.5-flash", 0, time.Second, append(genkitAction("model", "googleai/gemini-2.5-flash",
					`{"messages":[{"role":"user","content":[{"text":"hello"}]}]}`, out), conventions.GenkitSessionIDKey.String("s"))...)))
			require.Empty(t, errs)
			m := modelEvents(evs)
			require.Len(t, m, 1)
			assert.Equal(t, mindlytics.EventConversationTurn, m[0].Event)
			assert.Equal(t, "gemini-2.5-flash", m[0].Properties["model"], "the action's name less its provider")
			assert.Equal(t, tc.out, m[0].Properties["completion_tokens"])
			assert.Equal(t, int64(7), m[0].Properties["reasoning_tokens"])
		})
	}
}

func TestGenkitBrokenUsageIsReportedNotCounted(t *testing.T) {
	out := `{"message":{"role":"model","content":[{"text":"hi"}]},"usage":{"inputTokens":-3,"outputTokens":"many"}}`
	_, errs := translateSpans(t, nil, recordSpans(t, nil,
		root("m", 0, time.Second, append(genkitAction("model", "p/m", `{"messages":[{"role":"user","content":[{"text":"hello"}]}]}`, out),
			conventions.GenkitSessionIDKey.String("s"))...)))
	require.NotEmpty(t, errs, "a response that is not Genkit's JSON, or counts that are not counts, are reported")
	var ignored *IgnoredValueError
	require.ErrorAs(t, errs[0], &ignored)
	assert.Contains(t, errs[0].Error(), "genkit:output")
}

func TestGenkitUtilAndHelperSpansMakeNoEvent(t *testing.T) {
	evs, errs := translateSpans(t, nil, recordSpans(t, nil,
		root("generate", 0, time.Second, append(genkitAction("util", "generate", genkitAnswerRequest, genkitAnswerOut),
			conventions.GenkitSessionIDKey.String("s"))...)))
	require.Empty(t, errs)
	assert.Empty(t, modelEvents(evs), "a util span repeats a model action: never a call of its own")
}

// pick is the named properties of p.
func pick(p map[string]any, keys ...string) props {
	out := props{}
	for _, k := range keys {
		if v, ok := p[k]; ok {
			out[k] = v
		}
	}
	return out
}
