package translate

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

const (
	userJSON      = `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`
	assistantJSON = `[{"role":"assistant","parts":[{"type":"text","content":"Hello!"}]}]`
)

// chatAttrs is a GenAI chat call of session s with usage.
func chatAttrs(in, out int64, extra ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"),
		sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("gpt-4o"),
		sc.InputTokens(int(in)), sc.OutputTokens(int(out))}, extra...)
}

func withTexts(a []attribute.KeyValue) []attribute.KeyValue {
	return append(a, conventions.GenAIInputMessagesKey.String(userJSON), conventions.GenAIOutputMessagesKey.String(assistantJSON))
}

// modelEvents keeps the turns and usage events.
func modelEvents(evs []mindlytics.Event) []mindlytics.Event {
	var out []mindlytics.Event
	for _, ev := range evs {
		if ev.Event == mindlytics.EventConversationTurn || ev.Event == mindlytics.EventConversationUsage {
			out = append(out, ev)
		}
	}
	return out
}

func TestCacheAndReasoningTokensAreExtraProperties(t *testing.T) {
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, root("chat", 0, time.Second, withTexts(chatAttrs(1236, 312,
		conventions.GenAIUsageCacheReadInputTokensKey.Int(1024), conventions.GenAIUsageCacheWriteInputTokensKey.Int(12),
		conventions.GenAIUsageReasoningOutputTokensKey.Int(256)))...)))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 1)
	p := m[0].Properties
	assert.Equal(t, mindlytics.EventConversationTurn, m[0].Event)
	assert.Equal(t, int64(1236), p["prompt_tokens"], "prompt tokens include the cached ones, as the spec says")
	assert.Equal(t, int64(1024), p["cached_tokens"])
	assert.Equal(t, int64(12), p["cache_write_tokens"])
	assert.Equal(t, int64(256), p["reasoning_tokens"])

	evs, _ = translateSpans(t, nil, recordSpans(t, nil, root("chat", 0, time.Second, chatAttrs(50, 5,
		conventions.LLMTokenCountCacheReadKey.Int(40))...)))
	m = modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event)
	assert.Equal(t, int64(40), m[0].Properties["cached_tokens"], "usage events carry them too")
	assert.NotContains(t, m[0].Properties, "reasoning_tokens", "only what the span reports")
}

func TestNothingToCountMakesNoUsage(t *testing.T) {
	failed := root("chat", 0, time.Second, sc.SessionID("s"), sc.UserID("u"),
		sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"))
	failed.status, failed.statusMsg = codes.Error, "429 Too Many Requests"
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, failed))
	require.Empty(t, errs)
	assert.Empty(t, modelEvents(evs), "a failed call with no tokens counts nothing")
}

func TestFailedCallIsNeverATurn(t *testing.T) {
	cut := root("chat", 0, time.Second, withTexts(chatAttrs(30, 2))...)
	cut.status = codes.Error
	evs, _ := translateSpans(t, nil, recordSpans(t, nil, cut))
	m := modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event, "a cut-short answer is not a turn; its tokens count")
	assert.Equal(t, int64(30), m[0].Properties["prompt_tokens"])
}

func TestStackedSpansOfOneCallCountOnce(t *testing.T) {
	for _, tc := range []struct {
		name         string
		outer, inner []attribute.KeyValue
		want         props
	}{
		{"same usage; the inner span takes the outer's texts",
			withTexts(chatAttrs(100, 10, conventions.LLMTokenCountCacheReadKey.Int(64))), chatAttrs(100, 10),
			props{"user": "Hi", "assistant": "Hello!", "model": "gpt-4o", "prompt_tokens": int64(100), "completion_tokens": int64(10), "cached_tokens": int64(64)}},
		{"the same response id",
			chatAttrs(100, 10, conventions.GenAIResponseIDKey.String("r1")), chatAttrs(90, 10, conventions.GenAIResponseIDKey.String("r1")),
			props{"model": "gpt-4o", "prompt_tokens": int64(90), "completion_tokens": int64(10)}},
		{"the outer one has no tokens",
			withTexts([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o")}),
			chatAttrs(7, 3),
			props{"user": "Hi", "assistant": "Hello!", "model": "gpt-4o", "prompt_tokens": int64(7), "completion_tokens": int64(3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, errs := translateSpans(t, nil, recordSpans(t, nil,
				root("framework", 0, 2*time.Second, tc.outer...), child(0, "client", 0, time.Second, tc.inner...)))
			require.Empty(t, errs)
			m := modelEvents(evs)
			require.Len(t, m, 1)
			assert.Equal(t, tc.want, props(m[0].Properties))
		})
	}
	t.Run("different usage: two calls", func(t *testing.T) {
		evs, _ := translateSpans(t, nil, recordSpans(t, nil,
			root("agent llm", 0, 2*time.Second, chatAttrs(100, 10)...), child(0, "client", 0, time.Second, chatAttrs(40, 4)...),
			child(1, "client again", time.Second, 2*time.Second, chatAttrs(60, 6)...)))
		assert.Len(t, modelEvents(evs), 3, "a chain of calls, not one call: its spans differ")
	})
}

func TestModelCallInsideATurnIsItsUsage(t *testing.T) {
	turn := root("turn", 0, 3*time.Second, sc.SessionID("s"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventTurn),
		sc.TurnUser("Weather?"), sc.TurnAssistant("Sunny."))
	llm := child(0, "chat gpt-4o", 0, time.Second, withTexts(chatAttrs(40, 9))...)
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, turn, llm))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 2)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event, "the LLM call inside the turn is its usage")
	assert.Equal(t, mindlytics.EventConversationTurn, m[1].Event)
	assert.Equal(t, "Weather?", m[1].Properties["user"])

	// Exported alone (the child before its parent), the in_turn mark that
	// instrument's span processor stamps says the same.
	evs, _ = translateSpans(t, nil, recordSpans(t, nil, root("chat gpt-4o", 0, time.Second,
		withTexts(chatAttrs(40, 9, conventions.InTurn()))...)))
	m = modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event)
}

func TestHandleConversationTurnSpans(t *testing.T) {
	turn := root("handle_conversation_turn", 0, 3*time.Second, withTexts([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"),
		sc.OperationName(conventions.GenAIOperationHandleConversationTurn), sc.InputTokens(140), sc.OutputTokens(19), sc.ResponseModel("gpt-4o")})...)
	step := child(0, "agent_step", 0, 2*time.Second, sc.OperationName(conventions.GenAIOperationAgentStep), sc.InputTokens(140))
	call := child(1, "chat gpt-4o", 0, time.Second, withTexts(chatAttrs(140, 19))...)
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, turn, step, call))
	require.Empty(t, errs)
	m := modelEvents(evs)
	require.Len(t, m, 2)
	assert.Equal(t, props{"model": "gpt-4o", "prompt_tokens": int64(140), "completion_tokens": int64(19)}, props(m[0].Properties),
		"the model call is the usage")
	assert.Equal(t, props{"user": "Hi", "assistant": "Hello!"}, props(m[1].Properties),
		"the turn span is the turn, carrying no usage of its own (its sums would count twice)")
}

func TestVercelAISDKSpans(t *testing.T) {
	id := []attribute.KeyValue{attribute.String("ai.settings.context.sessionId", "vs"), attribute.String("ai.settings.context.userId", "vu")}
	rootSpan := root("ai.generateText", 0, 3*time.Second, append(id, attribute.String("ai.operationId", "ai.generateText"),
		attribute.Int("ai.usage.inputTokens", 300), attribute.Int("ai.usage.outputTokens", 30))...)
	step1 := child(0, "ai.generateText.doGenerate", 0, time.Second, attribute.String("ai.operationId", "ai.generateText.doGenerate"),
		attribute.String("ai.model.id", "gpt-5-mini"), attribute.Int("ai.usage.inputTokens", 100), attribute.Int("ai.usage.outputTokens", 10),
		attribute.Int("ai.usage.inputTokenDetails.cacheReadTokens", 64),
		attribute.String("ai.prompt.messages", `[{"role":"user","content":[{"type":"text","text":"Weather?"}]}]`),
		attribute.String("ai.response.toolCalls", `[{"toolCallId":"1","toolName":"get_weather","input":"{}"}]`))
	tool := child(0, "ai.toolCall", time.Second, 2*time.Second, attribute.String("ai.operationId", "ai.toolCall"),
		attribute.String("ai.toolCall.name", "get_weather"), attribute.String("ai.toolCall.args", `{"city":"Paris"}`),
		attribute.String("ai.toolCall.result", "sunny"))
	step2 := child(0, "ai.generateText.doGenerate", 2*time.Second, 3*time.Second, attribute.String("ai.operationId", "ai.generateText.doGenerate"),
		attribute.String("ai.model.id", "gpt-5-mini"), attribute.Int("ai.usage.inputTokens", 200), attribute.Int("ai.usage.outputTokens", 20),
		attribute.String("ai.prompt.messages", `[{"role":"user","content":[{"type":"text","text":"Weather?"}]},{"role":"tool","content":[]}]`),
		attribute.String("ai.response.text", "Sunny."))
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, rootSpan, step1, tool, step2))
	require.Empty(t, errs)
	var kinds []string
	var prompt int64
	for _, ev := range evs {
		assert.Equal(t, "vs", ev.SessionID, "ai 7's runtime-context ids, carried by the trace")
		kinds = append(kinds, ev.Kind())
		if n, ok := ev.Properties["prompt_tokens"].(int64); ok {
			prompt += n
		}
	}
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Usage",
		"track:Conversation Function", "track:Conversation Turn"}, kinds)
	assert.Equal(t, int64(300), prompt, "the steps count; the root's sum does not")
}

func TestTraceloopToolArgumentsAreItsKeywordArguments(t *testing.T) {
	assert.Equal(t, `{"city":"Paris"}`, traceloopArgs(`{"args":[],"kwargs":{"city":"Paris"}}`))
	assert.Equal(t, `{"args":["Paris"],"kwargs":{}}`, traceloopArgs(`{"args":["Paris"],"kwargs":{}}`), "positional: as it is")
	assert.Equal(t, `not json`, traceloopArgs(`not json`))
}

func TestUserTextHoldingMessages(t *testing.T) {
	assert.Equal(t, "Hi", unwrapMessagesText(`[{"role":"user","content":"Hi"},{"type":"function_call","name":"f"}]`))
	assert.Equal(t, "[1, 2] is a list", unwrapMessagesText("[1, 2] is a list"))
	assert.Equal(t, "plain", unwrapMessagesText("plain"))
}

func TestEvaluationResultsBecomeUserDefinedEvents(t *testing.T) {
	call := root("chat gpt-4o", 0, time.Second, withTexts(chatAttrs(10, 2, conventions.GenAIResponseIDKey.String("r-9")))...).withEvents(eventSpec{
		name: conventions.GenAIEvaluationResultEvent, at: 2 * time.Second, attrs: []attribute.KeyValue{
			conventions.GenAIEvaluationNameKey.String("relevance"), conventions.GenAIEvaluationScoreValueKey.Float64(0.75),
			conventions.GenAIEvaluationScoreLabelKey.String("relevant"), conventions.GenAIEvaluationExplanationKey.String("on topic"),
		}})
	evs, errs := translateSpans(t, nil, recordSpans(t, nil, call))
	require.Empty(t, errs)
	var eval []mindlytics.Event
	for _, ev := range evs {
		if ev.Event == conventions.EvaluationEventName {
			eval = append(eval, ev)
		}
	}
	require.Len(t, eval, 1)
	assert.Equal(t, props{"name": "relevance", "score": 0.75, "label": "relevant", "explanation": "on topic", "response_id": "r-9"},
		props(eval[0].Properties))
	assert.Equal(t, at(2*time.Second), eval[0].Timestamp)
	assert.Equal(t, "s", eval[0].SessionID)

	evs, _ = translateSpans(t, []setting{withEvaluations(false)}, recordSpans(t, nil, call))
	for _, ev := range evs {
		assert.NotEqual(t, conventions.EvaluationEventName, ev.Event, "evaluations: false skips them")
	}
}

func TestIdsAreRefusedNotRepaired(t *testing.T) {
	long := string(make([]byte, 0)) + "agent-" + time.Duration(0).String()
	for len(long) <= MaxIDLength {
		long += "x"
	}
	for _, tc := range []struct {
		name  string
		attrs []attribute.KeyValue
		want  string
	}{
		{"invalid UTF-8 session", []attribute.KeyValue{sc.SessionID("sess-\xff"), sc.UserID("u")}, "session id \"sess-\uFFFD\" is not valid UTF-8"},
		{"invalid UTF-8 user", []attribute.KeyValue{sc.SessionID("s"), sc.UserID("u-\xfe")}, "user id"},
		{"long device id", []attribute.KeyValue{sc.SessionID("s"), sc.DeviceID(long)}, "device id is 101 characters, more than the 100 Mindlytics accepts"},
		{"very long session id", []attribute.KeyValue{sc.SessionID(strings.Repeat("s", MaxKeptIDLength+1)), sc.UserID("u")}, "session id is 1025 characters, more than the 1024 this translation keeps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := append(tc.attrs, sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a"))
			ok := root("fine", 0, time.Second, sc.SessionID("other"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventTurn),
				sc.TurnUser("q"), sc.TurnAssistant("a"))
			evs, errs := translateSpans(t, nil, recordSpans(t, nil, root("turn", 0, time.Second, attrs...), ok))
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Error(), tc.want)
			for _, ev := range evs {
				assert.Equal(t, "other", ev.SessionID, "only the bad span is dropped")
			}
		})
	}
}

func TestHugeNamesAreCutWhereTheEventIsBuilt(t *testing.T) {
	huge := strings.Repeat("n", 10<<20)
	evs, errs := translateSpans(t, []setting{withMaxStringLength(0)}, recordSpans(t, nil,
		root("execute_tool", 0, time.Second, sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationExecuteTool),
			sc.ToolName(huge)),
		root("chat", time.Second, 2*time.Second, chatAttrs(1, 1, sc.ResponseModel(huge))...)))
	require.Empty(t, errs)
	for _, ev := range evs {
		for _, k := range []string{"name", "model"} {
			if v, ok := ev.Properties[k].(string); ok {
				assert.LessOrEqual(t, len([]rune(v)), MaxNameLength, "%s of %s", k, ev.Kind())
				assert.True(t, strings.HasSuffix(v, TruncationMark), "the cut is marked")
			}
		}
	}
}

func TestFinishReasonsAndSkippedParts(t *testing.T) {
	stopped := root("chat", 0, time.Second, withTexts(chatAttrs(5, 1, attribute.StringSlice("gen_ai.response.finish_reasons", []string{"tool_calls"})))...)
	evs, _ := translateSpans(t, nil, recordSpans(t, nil, stopped))
	m := modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event, "stopped to call tools: not the answer yet")

	parts := root("chat", 0, time.Second, append(chatAttrs(5, 1),
		conventions.GenAIInputMessagesKey.String(`[{"role":"user","parts":[{"type":"text","content":"Q"},{"type":"blob","modality":"image","content":"AAA"},{"type":"uri","uri":"u"}]},`+
			`{"role":"user","parts":[{"type":"tool_call_response","id":"1","response":"r"}]}]`),
		conventions.GenAIOutputMessagesKey.String(`[{"role":"assistant","parts":[{"type":"reasoning","content":"thinking…"},{"type":"text","content":"A"},{"type":"generic","content":"x"}]}]`))...)
	evs, _ = translateSpans(t, nil, recordSpans(t, nil, parts))
	m = modelEvents(evs)
	require.Len(t, m, 1)
	assert.Equal(t, "Q", m[0].Properties["user"], "tool results and media are not the user's words")
	assert.Equal(t, "A", m[0].Properties["assistant"], "reasoning is not the answer")
}

func TestIgnoredValuesAreReported(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs []attribute.KeyValue
		key   string
		event bool // the span still makes an event
	}{
		{"negative tokens", []attribute.KeyValue{sc.InputTokensKey.Int(-5), sc.OutputTokensKey.Int(3)}, "gen_ai.usage.input_tokens", true},
		{"NaN tokens", []attribute.KeyValue{sc.InputTokensKey.Float64(math.NaN())}, "gen_ai.usage.input_tokens", false},
		{"absurd tokens", []attribute.KeyValue{sc.OutputTokensKey.Int64(1 << 40), sc.InputTokensKey.Int(1)}, "gen_ai.usage.output_tokens", true},
		{"infinite cost", []attribute.KeyValue{sc.InputTokensKey.Int(1), sc.UsageCostKey.Float64(math.Inf(1))}, "mindlytics.usage.cost", true},
		{"negative cost", []attribute.KeyValue{sc.InputTokensKey.Int(1), sc.UsageCostKey.Float64(-1)}, "mindlytics.usage.cost", true},
		{"broken message JSON", []attribute.KeyValue{sc.InputTokensKey.Int(1), conventions.GenAIInputMessagesKey.String(`[{"role":"user",`)}, "gen_ai.input.messages", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := append([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationChat), sc.ResponseModel("m")}, tc.attrs...)
			evs, errs := translateSpans(t, nil, recordSpans(t, nil, root("chat", 0, time.Second, attrs...)))
			require.Len(t, errs, 1)
			var iv *IgnoredValueError
			require.ErrorAs(t, errs[0], &iv)
			assert.Equal(t, tc.key, iv.Key)
			assert.Equal(t, tc.event, len(modelEvents(evs)) == 1, "%v", evs)
		})
	}
}

// A service that joined a session from upstream neither starts nor ends
// it: the service that started it does, once.
func TestJoinedSessionsAreNeitherStartedNorEnded(t *testing.T) {
	tr := newTranslator(t)
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, root("turn", 0, time.Second, sc.SessionID("s"), sc.UserID("u"),
		conventions.SessionJoined(), sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a")))))
	require.Empty(t, errs)
	assert.Equal(t, []string{"track:Conversation Turn"}, testkit.Kinds(evs))
	assert.Empty(t, tr.EndAll(), "the owner ends it")
}

func TestTurnsAreRememberedOnlyWhenAsked(t *testing.T) {
	spans := recordSpans(t, nil, root("turn", 0, time.Second, sc.SessionID("s"), sc.UserID("u"),
		sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a")))
	sc0 := spans[0].SpanContext()
	plain := newTranslator(t)
	plain.Translate(spanview.FromReadOnlySpans(spans))
	assert.False(t, plain.MadeTurn(sc0.TraceID(), sc0.SpanID()), "the in-process exporter pays nothing for it")
	remembering := newTranslator(t)
	remembering.RememberTurns(true)
	remembering.Translate(spanview.FromReadOnlySpans(spans))
	assert.True(t, remembering.MadeTurn(sc0.TraceID(), sc0.SpanID()))
}

// TestStackedSpansAcrossBatches: the inner span of a stacked pair ends
// first and may go out in one batch, its outer span in the next. The call
// is still counted once, and the outer span's texts still make the turn.
func TestStackedSpansAcrossBatches(t *testing.T) {
	total := func(evs []mindlytics.Event) (turns []string, prompt, completion int64) {
		for _, ev := range modelEvents(evs) {
			if ev.Event == mindlytics.EventConversationTurn {
				turns = append(turns, ev.Properties["user"].(string)+" => "+ev.Properties["assistant"].(string))
			}
			if n, ok := ev.Properties["prompt_tokens"].(int64); ok {
				prompt += n
			}
			if n, ok := ev.Properties["completion_tokens"].(int64); ok {
				completion += n
			}
		}
		return turns, prompt, completion
	}
	for _, tc := range []struct {
		name         string
		outer, inner []attribute.KeyValue
		turns        []string
		prompt       int64
		events       int // model events in all
	}{
		{"the outer span has the texts", withTexts(chatAttrs(100, 10, conventions.LLMTokenCountCacheReadKey.Int(64))), chatAttrs(100, 10),
			[]string{"Hi => Hello!"}, 100, 2},
		{"both have the texts", withTexts(chatAttrs(100, 10)), withTexts(chatAttrs(100, 10)), []string{"Hi => Hello!"}, 100, 1},
		{"the same response id", chatAttrs(100, 10, conventions.GenAIResponseIDKey.String("r1")), chatAttrs(90, 10, conventions.GenAIResponseIDKey.String("r1")),
			nil, 90, 1},
		{"the outer one has no tokens",
			withTexts([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o")}),
			chatAttrs(7, 3), []string{"Hi => Hello!"}, 7, 2},
		{"different usage: two calls", chatAttrs(100, 10), chatAttrs(40, 4), nil, 140, 2},
		{"the outer span asks for its turn", append(withTexts(chatAttrs(100, 10)), sc.MindlyticsEvent(sc.EventTurn)), chatAttrs(100, 10),
			[]string{"Hi => Hello!"}, 100, 2},
		{"the outer span asks for its usage", append(chatAttrs(100, 10), sc.MindlyticsEvent(sc.EventUsage)), chatAttrs(100, 10),
			nil, 200, 2}, // never merged, in one batch either
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := recordSpans(t, nil, root("framework", 0, 2*time.Second, tc.outer...), child(0, "client", 0, time.Second, tc.inner...))
			require.Equal(t, "client", spans[0].Name(), "the inner span ends first")
			tr := newTranslator(t)
			first, errs := tr.Translate(spanview.FromReadOnlySpans(spans[:1]))
			require.Empty(t, errs)
			second, errs := tr.Translate(spanview.FromReadOnlySpans(spans[1:]))
			require.Empty(t, errs)
			all := append(first, second...)
			for _, ev := range all {
				require.NoError(t, ev.Validate())
			}
			turns, prompt, _ := total(all)
			assert.Equal(t, tc.turns, turns)
			assert.Equal(t, tc.prompt, prompt, "prompt tokens counted")
			assert.Len(t, modelEvents(all), tc.events)

			// In one batch, the same spans count the same tokens.
			_, oneBatch, _ := total(newTranslatorEvents(t, spans))
			assert.Equal(t, oneBatch, prompt, "as in one batch")
		})
	}
}

func newTranslatorEvents(t *testing.T, spans []sdktrace.ReadOnlySpan) []mindlytics.Event {
	evs, errs := translateSpans(t, nil, spans)
	require.Empty(t, errs)
	return evs
}

// TestATurnSpanAfterItsCallsWentOut: a handle_conversation_turn span ends
// after its model calls; when they went out in an earlier batch, one as a
// turn, the turn span makes no second turn, however deep the calls were.
func TestATurnSpanAfterItsCallsWentOut(t *testing.T) {
	turn := root("handle_conversation_turn", 0, 3*time.Second, withTexts([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"),
		sc.OperationName(conventions.GenAIOperationHandleConversationTurn), sc.InputTokens(140), sc.OutputTokens(19), sc.ResponseModel("gpt-4o")})...)
	step := child(0, "agent_step", 0, 2*time.Second, sc.OperationName(conventions.GenAIOperationAgentStep), sc.SessionID("s"), sc.UserID("u"))
	call := child(1, "chat gpt-4o", 0, time.Second, withTexts(chatAttrs(140, 19))...)
	spans := recordSpans(t, nil, turn, step, call)
	require.Equal(t, []string{"chat gpt-4o", "agent_step", "handle_conversation_turn"}, []string{spans[0].Name(), spans[1].Name(), spans[2].Name()})
	for _, cut := range []int{1, 2} {
		tr := newTranslator(t)
		first, _ := tr.Translate(spanview.FromReadOnlySpans(spans[:cut]))
		second, _ := tr.Translate(spanview.FromReadOnlySpans(spans[cut:]))
		m := modelEvents(append(first, second...))
		var turns int
		var prompt int64
		for _, ev := range m {
			if ev.Event == mindlytics.EventConversationTurn {
				turns++
			}
			if n, ok := ev.Properties["prompt_tokens"].(int64); ok {
				prompt += n
			}
		}
		assert.Equal(t, 1, turns, "cut after %d spans: one turn", cut)
		assert.Equal(t, int64(140), prompt, "cut after %d spans: the usage once", cut)
	}
}

// TestSentCallsRememberOnlyParentsStillToCome: a model call sent with its
// parent in the batch leaves nothing under that parent, which will not
// come again; one whose parent is still to come is remembered under it,
// and its outer span, when it comes, counts its tokens once.
func TestSentCallsRememberOnlyParentsStillToCome(t *testing.T) {
	inner := chatAttrs(100, 10)[2:] // without session and user ids: they are the parent's
	spans := recordSpans(t, nil,
		root("agent", 0, 3*time.Second, sc.OperationName(sc.GenAIOperationInvokeAgent), sc.SessionID("s"), sc.UserID("u")),
		child(0, "chat", time.Second, 2*time.Second, inner...))
	tr := newTranslator(t)
	_, errs := tr.Translate(spanview.FromReadOnlySpans(spans))
	require.Empty(t, errs)
	assert.Equal(t, 1, tr.sent.bySpan.len(), "the call itself is remembered")
	assert.True(t, tr.sent.underParent.empty(), "its parent came with it")

	stacked := recordSpans(t, nil, root("framework", 0, 2*time.Second, withTexts(chatAttrs(100, 10))...),
		child(0, "client", 0, time.Second, chatAttrs(100, 10)...))
	tr = newTranslator(t)
	first, _ := tr.Translate(spanview.FromReadOnlySpans(stacked[:1]))
	assert.False(t, tr.sent.underParent.empty(), "the framework span is still to come")
	second, _ := tr.Translate(spanview.FromReadOnlySpans(stacked[1:]))
	var prompt int64
	for _, ev := range modelEvents(append(first, second...)) {
		if n, ok := ev.Properties["prompt_tokens"].(int64); ok {
			prompt += n
		}
	}
	assert.Equal(t, int64(100), prompt, "counted once")
}

// TestReusedResponseIDsAreDistinctCalls: gateways, local model servers and
// mocks answer many calls with one gen_ai.response.id. Only two
// instrumentations recording one call side by side make one call of two
// spans with the same id.
func TestReusedResponseIDsAreDistinctCalls(t *testing.T) {
	sameID := conventions.GenAIResponseIDKey.String("chatcmpl-mock")
	callIn := func(session string) []attribute.KeyValue {
		return withTexts([]attribute.KeyValue{sc.SessionID(session), sc.UserID("u-" + session), sc.OperationName(sc.GenAIOperationChat),
			sc.RequestModel("gpt-4o"), sc.InputTokens(12), sc.OutputTokens(3), sameID})
	}
	t.Run("five sessions", func(t *testing.T) {
		var specs []spanSpec
		for i := range 5 {
			specs = append(specs, root("chat gpt-4o", time.Duration(i)*time.Second, time.Duration(i)*time.Second+500*time.Millisecond, callIn(fmt.Sprintf("s%d", i))...))
		}
		evs, errs := translateSpans(t, nil, recordSpans(t, nil, specs...))
		require.Empty(t, errs)
		sessions := map[string]int{}
		for _, ev := range modelEvents(evs) {
			sessions[ev.SessionID]++
		}
		assert.Equal(t, map[string]int{"s0": 1, "s1": 1, "s2": 1, "s3": 1, "s4": 1}, sessions, "one turn in each session")
	})
	t.Run("one session, one after the other", func(t *testing.T) {
		evs, errs := translateSpans(t, nil, recordSpans(t, nil,
			root("agent", 0, 3*time.Second, sc.SessionID("s"), sc.UserID("u")),
			child(0, "chat gpt-4o", 0, time.Second, callIn("s")...),
			child(0, "chat gpt-4o", 2*time.Second, 3*time.Second, callIn("s")...)))
		require.Empty(t, errs)
		assert.Len(t, modelEvents(evs), 2)
	})
	t.Run("twenty at once in one session, one library", func(t *testing.T) {
		specs := []spanSpec{root("agent", 0, 2*time.Second, sc.SessionID("s"), sc.UserID("u"))}
		for range 20 {
			specs = append(specs, child(0, "chat gpt-4o", 0, time.Second, callIn("s")...))
		}
		evs, errs := translateSpans(t, nil, recordSpans(t, nil, specs...))
		require.Empty(t, errs)
		assert.Len(t, modelEvents(evs), 20)
	})
	t.Run("two libraries side by side record one call", func(t *testing.T) {
		evs, errs := translateSpans(t, nil, recordSpans(t, nil,
			root("agent", 0, 2*time.Second, sc.SessionID("s"), sc.UserID("u")),
			child(0, "chat gpt-4o", 0, time.Second, callIn("s")...),
			child(0, "llm", 10*time.Millisecond, 990*time.Millisecond, callIn("s")...).inScope("another-instrumentation")))
		require.Empty(t, errs)
		assert.Len(t, modelEvents(evs), 1)
	})
}
