package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func functionsOf(evs []mindlytics.Event) []props {
	var out []props
	for _, ev := range evs {
		if ev.Event == mindlytics.EventConversationFunction {
			out = append(out, props(ev.Properties))
		}
	}
	return out
}

func TestConversationIDStandsForAMissingSession(t *testing.T) {
	call := func(start time.Duration) spanSpec {
		return root("chat", start, start+time.Second, withTexts([]attribute.KeyValue{sc.ConversationID("conv-1"),
			sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("m"), sc.InputTokens(3), sc.OutputTokens(2)})...)
	}
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, call(0), call(2*time.Second), call(4*time.Second)))
	require.Empty(t, errs, "a conversation id is a session: no fallback notice")
	assert.Equal(t, []string{"conv-1"}, sessionsOf(evs), "three traces of one conversation are one session")
	assert.Len(t, modelEvents(evs), 3)
}

// unlinkedPair is one call traced by two libraries in two traces: an SDK
// span naming only the conversation, and an OpenInference one naming the
// session and the user, each a root span.
func unlinkedPair(sdkIn, oiIn int64, overlap bool) []spanSpec {
	oiStart := 10 * time.Millisecond
	if !overlap {
		oiStart = 2 * time.Second
	}
	return []spanSpec{
		root("anthropic.messages.create", 0, time.Second, withTexts([]attribute.KeyValue{sc.ConversationID("s"),
			sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("claude"), sc.InputTokens(int(sdkIn)), sc.OutputTokens(5)})...).inScope("sdk"),
		root("Anthropic Messages", oiStart, oiStart+time.Second, withTexts([]attribute.KeyValue{
			conventions.OpenInferenceSpanKindKey.String("LLM"), attribute.String("session.id", "s"), attribute.String("user.id", "u"),
			conventions.LLMModelNameKey.String("claude"), conventions.LLMTokenCountPromptKey.Int(int(oiIn)), conventions.LLMTokenCountCompletionKey.Int(5)})...).inScope("openinference"),
	}
}

func TestCallTracedInTwoUnlinkedTracesCountsOnce(t *testing.T) {
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, unlinkedPair(50, 50, true)...))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 1, "one call: same session, model and tokens, overlapping, two scopes")
	assert.Equal(t, "u", m[0].UserID, "the SDK's trace takes the user id only OpenInference recorded")
	assert.Equal(t, []string{"s"}, sessionsOf(evs))

	for name, specs := range map[string][]spanSpec{
		"different tokens":  unlinkedPair(50, 51, true),
		"one after another": unlinkedPair(50, 50, false),
	} {
		evs, _ := translateSpans(t, nil, recordSpans(t, nil, specs...))
		assert.Len(t, modelEvents(evs), 2, name+": two calls")
	}
	// Other calls of the SDK, before or after the pair in the batch: the
	// second scope may come late (twoScopes looks at every call).
	other := root("anthropic.messages.create", 0, time.Second, withTexts([]attribute.KeyValue{sc.ConversationID("s"),
		sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("claude"), sc.InputTokens(7), sc.OutputTokens(5)})...).inScope("sdk")
	pair := unlinkedPair(50, 50, true)
	for _, specs := range [][]spanSpec{{other, other, pair[0], pair[1]}, {pair[0], pair[1], other, other}} {
		evs, errs = translateSpans(t, nil, recordSpans(t, nil, specs...))
		require.Empty(t, errs)
		assert.Len(t, modelEvents(evs), 3, "the pair among other calls of one scope counts once")
	}
	same := unlinkedPair(50, 50, true)
	same[1] = same[1].inScope("sdk")
	evs, _ = translateSpans(t, nil, recordSpans(t, nil, same...))
	assert.Len(t, modelEvents(evs), 2, "one library: two concurrent calls")
}

const (
	toolCallOut = `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]}]`
	// The next call's input: the question, the call, its result.
	toolHistory = `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},` +
		`{"role":"user","parts":[{"type":"tool_call_response","id":"call_1","response":[{"type":"text","text":"{\"c\":18}"}]}]}]`
	answerOut = `[{"role":"assistant","parts":[{"type":"text","content":"18 °C."}]}]`
)

func modelCall(in string, out string, tokens int, extra ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationChat),
		sc.ResponseModel("m"), sc.InputTokens(tokens), sc.OutputTokens(1),
		conventions.GenAIInputMessagesKey.String(in), conventions.GenAIOutputMessagesKey.String(out)}, extra...)
}

func TestToolRunReadFromTheNextCallsInput(t *testing.T) {
	first := root("chat", 0, time.Second, modelCall(`[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`, toolCallOut, 10)...)
	second := root("chat", 2*time.Second, 3*time.Second, modelCall(toolHistory, answerOut, 20)...)
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, first, second))
	require.Empty(t, errs)
	fns := functionsOf(evs)
	require.Len(t, fns, 1, "the app ran the tool with no span: the input is its record")
	assert.Equal(t, props{"name": "get_weather", "args": `{"city":"Paris"}`, "result": `{"c":18}`, "runtime": int64(0)}, fns[0],
		"no span timed the run: runtime 0, which the service requires")

	t.Run("a tool span of the run makes it once", func(t *testing.T) {
		tool := root("execute_tool get_weather", time.Second, 2*time.Second, sc.SessionID("s"), sc.UserID("u"),
			sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("get_weather"), conventions.GenAIToolCallIDKey.String("call_1"),
			sc.ToolCallArguments(`{"city":"Paris"}`), sc.ToolCallResult(`{"c":18}`))
		evs, _ := translateSpans(t, nil, recordSpans(t, nil, first, tool, second))
		assert.Len(t, functionsOf(evs), 1)
		tool.attrs = tool.attrs[:len(tool.attrs)-3] // no call id: the same tool in the session
		tool.attrs = append(tool.attrs, sc.ToolCallArguments(`{"city":"Paris"}`))
		evs, _ = translateSpans(t, nil, recordSpans(t, nil, first, tool, second))
		assert.Len(t, functionsOf(evs), 1)
	})
	t.Run("a later call repeating the history makes no run again", func(t *testing.T) {
		later := `[` + toolHistory[1:len(toolHistory)-1] + `,{"role":"assistant","parts":[{"type":"text","content":"18 °C."}]},` +
			`{"role":"user","parts":[{"type":"text","content":"Thanks"}]}]`
		third := root("chat", 4*time.Second, 5*time.Second, modelCall(later, answerOut, 30)...)
		evs, _ := translateSpans(t, nil, recordSpans(t, nil, first, second, third))
		assert.Len(t, functionsOf(evs), 1)
	})
}

func TestThreadContinuationTakesTheFirstCallsQuestion(t *testing.T) {
	// A tool runner continues a thread the provider keeps: its last call
	// sends only the tool result.
	resultOnly := `[{"role":"user","parts":[{"type":"tool_call_response","id":"call_1","response":"{\"c\":18}"}]}]`
	evs, errs := translateSpans(t, nil, recordSpans(t, nil,
		root("runner", 0, 4*time.Second, sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationInvokeAgent)),
		child(0, "chat", 0, time.Second, modelCall(`[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`, toolCallOut, 10)...),
		child(0, "chat", 2*time.Second, 3*time.Second, modelCall(resultOnly, answerOut, 20)...)))
	require.Empty(t, errs)
	var turns []props
	for _, ev := range modelEvents(evs) {
		if ev.Event == mindlytics.EventConversationTurn {
			turns = append(turns, props(ev.Properties))
		}
	}
	require.Len(t, turns, 1)
	assert.Equal(t, "Weather in Paris?", turns[0]["user"])
	assert.Equal(t, "18 °C.", turns[0]["assistant"])
}

func TestIDsInsideJSONMetadata(t *testing.T) {
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, root("ChatOpenAI", 0, time.Second, withTexts([]attribute.KeyValue{
		conventions.OpenInferenceSpanKindKey.String("LLM"), attribute.String("session.id", "s"),
		conventions.OpenInferenceMetadataKey.String(`{"ls_integration":"x","session_id":"other","user_id":"u-7"}`),
		conventions.LLMModelNameKey.String("m"), conventions.LLMTokenCountPromptKey.Int(3), conventions.LLMTokenCountCompletionKey.Int(1)})...)))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, "u-7", m[0].UserID)
	assert.Equal(t, "s", m[0].SessionID, "a session key wins over the metadata")
}

func TestInputThatLeavesTheCacheOutIsMadeWhole(t *testing.T) {
	cache := []attribute.KeyValue{conventions.GenAIUsageCacheReadInputTokensKey.Int(1024), conventions.GenAIUsageCacheCreationInputTokensKey.Int(64)}
	for _, tc := range []struct {
		name  string
		scope string
		in    int64
		want  int64
	}{
		{"a scope known to leave it out", "@traceloop/instrumentation-anthropic", 148, 1236},
		{"a count smaller than its own cache", "other", 148, 1236},
		{"a whole count stays", "other", 1236, 1236},
	} {
		evs, _ := translateSpans(t, nil, recordSpans(t, nil,
			root("chat", 0, time.Second, withTexts(chatAttrs(tc.in, 5, cache...))...).inScope(tc.scope)))
		m := modelEvents(evs)
		require.Len(t, m, 1)
		assert.Equal(t, tc.want, m[0].Properties["prompt_tokens"], tc.name)
	}
}

func TestNewestGenAIUsageKeys(t *testing.T) {
	call := func(extra ...attribute.KeyValue) props {
		t.Helper()
		evs, errs := translateSpans(t, nil, recordSpans(t, nil, root("chat", 0, time.Second, withTexts(chatAttrs(100, 20, extra...))...)))
		m := modelEvents(evs)
		require.Len(t, m, 1)
		p := props(m[0].Properties)
		if len(errs) > 0 {
			p["error"] = errs[0].Error()
		}
		return p
	}
	p := call(conventions.GenAIUsageCostAmountKey.Float64(0.012), conventions.GenAIUsageCostCurrencyKey.String("USD"),
		conventions.GenAIUsageCostSourceKey.String("provider"))
	assert.Equal(t, 0.012, p["cost"])
	assert.Equal(t, "provider", p["cost_source"])

	p = call(conventions.GenAIUsageCostAmountKey.Float64(0.011), conventions.GenAIUsageCostCurrencyKey.String("EUR"))
	assert.NotContains(t, p, "cost", "a cost in euros is not sent as dollars")
	assert.Equal(t, int64(100), p["prompt_tokens"], "priced by model instead")
	assert.Contains(t, p["error"], "EUR is not converted")

	p = call(conventions.GenAIUsageCostKey.Float64(0.5))
	assert.Equal(t, 0.5, p["cost"])

	p = call(attribute.Int("gen_ai.usage.image.input_tokens", 64), attribute.Int("gen_ai.usage.audio.output_tokens", 7),
		attribute.Int("gen_ai.usage.text.cache_read.input_tokens", 3), attribute.Int("gen_ai.usage.other.input_tokens", 1))
	assert.Equal(t, int64(64), p["image_input_tokens"])
	assert.Equal(t, int64(7), p["audio_output_tokens"])
	assert.Equal(t, int64(3), p["text_cache_read_input_tokens"])
	assert.NotContains(t, p, "other_input_tokens")
}

func TestHelperSpanOfACallWinsAndBorrowsNoTexts(t *testing.T) {
	// genkithelper makes its GenAI span of each of Genkit's model spans as
	// its child; with content capture off it has no texts, and Genkit's
	// span does: the call counts once, and no text leaves.
	helper := conventions.HelperScopePrefix + "genkithelper"
	evs, errs := translateSpans(t, nil, recordSpans(t, nil,
		root("genkit model", 0, time.Second, withTexts(chatAttrs(82, 12))...).inScope("genkit-tracer"),
		child(0, "chat m", 0, time.Second, chatAttrs(82, 17)...).inScope(helper)))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event)
	assert.Equal(t, int64(17), m[0].Properties["completion_tokens"], "the helper's count")
	assert.NotContains(t, m[0].Properties, "user")
}
