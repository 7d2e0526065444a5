package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// oiLLM is an OpenInference LLM span whose output asks for tools, each
// call {id, name, arguments} as flattened attributes.
func oiLLM(calls ...[3]string) []attribute.KeyValue {
	a := []attribute.KeyValue{sc.SessionID("s"), conventions.OpenInferenceSpanKindKey.String("LLM"),
		conventions.LLMModelNameKey.String("gpt"), conventions.LLMTokenCountPromptKey.Int(10), conventions.LLMTokenCountCompletionKey.Int(2),
		attribute.String("llm.input_messages.0.message.role", "user"), attribute.String("llm.input_messages.0.message.content", "Weather?"),
		attribute.String("llm.output_messages.0.message.role", "assistant")}
	for i, c := range calls {
		p := "llm.output_messages.0.message.tool_calls." + string(rune('0'+i)) + "."
		if c[0] != "" {
			a = append(a, attribute.String(p+"tool_call.id", c[0]))
		}
		a = append(a, attribute.String(p+"tool_call.function.name", c[1]), attribute.String(p+"tool_call.function.arguments", c[2]))
	}
	return a
}

// oiTool is an OpenInference TOOL span with LangChain's plain-text input.
func oiTool(name, input string, extra ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{sc.SessionID("s"), conventions.OpenInferenceSpanKindKey.String("TOOL"),
		conventions.OpenInferenceToolNameKey.String(name), conventions.InputValueKey.String(input), conventions.InputMimeTypeKey.String("text/plain"),
		conventions.OutputValueKey.String(`{"c":18}`)}, extra...)
}

func TestToolArgsComeFromTheModelsCall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		specs []spanSpec
		want  string
	}{
		{"by the tool's one call in the trace", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "ChatOpenAI", 0, time.Second, oiLLM([3]string{"", "get_weather", `{"city": "Paris"}`})...),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Paris")...),
		}, `{"city":"Paris"}`},
		{"by call id among two calls of the tool", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "ChatOpenAI", 0, time.Second, oiLLM([3]string{"c1", "get_weather", `{"city":"Paris"}`}, [3]string{"c2", "get_weather", `{"city":"Rome"}`})...),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Rome", conventions.GenAIToolCallIDKey.String("c2"))...),
		}, `{"city":"Rome"}`},
		{"from GenAI output messages", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "chat", 0, time.Second, sc.SessionID("s"), sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("m"), sc.InputTokens(3), sc.OutputTokens(2),
				conventions.GenAIOutputMessagesKey.String(`[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"get_weather","arguments":{"city":"Paris"}}]}]`)),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Paris")...),
		}, `{"city":"Paris"}`},
		{"from OpenAI tool_calls in output.value", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "ChatOpenAI", 0, time.Second, append(oiLLM(), conventions.OutputValueKey.String(
				`{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]}`))...),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Paris")...),
		}, `{"city":"Paris"}`},
		{"ambiguous: two calls, no id, stays", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "ChatOpenAI", 0, time.Second, oiLLM([3]string{"", "get_weather", `{"city":"Paris"}`}, [3]string{"", "get_weather", `{"city":"Rome"}`})...),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Rome")...),
		}, "Rome"},
		{"another trace's call is not taken", []spanSpec{
			root("ChatOpenAI", 0, time.Second, oiLLM([3]string{"", "get_weather", `{"city":"Paris"}`})...),
			root("get_weather", time.Second, 2*time.Second, oiTool("get_weather", "Paris")...),
		}, "Paris"},
		{"args that are an object stay", []spanSpec{
			root("agent", 0, 5*time.Second, sc.SessionID("s")),
			child(0, "ChatOpenAI", 0, time.Second, oiLLM([3]string{"", "get_weather", `{"city":"Paris"}`})...),
			child(0, "get_weather", time.Second, 2*time.Second, oiTool("get_weather", `{"town":"Paris"}`)...),
		}, `{"town":"Paris"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, errs := translateSpans(t, nil, recordSpans(t, nil, tc.specs...))
			require.Empty(t, errs)
			fns := functionsOf(evs)
			require.Len(t, fns, 1)
			assert.Equal(t, tc.want, fns[0]["args"])
		})
	}
}
