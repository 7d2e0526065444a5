package semconv

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	otel "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// TestKeysMatchOTelSemconv pins our copies of standard keys to the last
// semconv package that carries the gen_ai.* keys (v1.41.0), and the
// deprecated ones to v1.26.0, where they were current.
func TestKeysMatchOTelSemconv(t *testing.T) {
	for _, tc := range []struct {
		ours, theirs attribute.Key
	}{
		{SessionIDKey, otel.SessionIDKey},
		{UserIDKey, otel.UserIDKey},
		{DeviceIDKey, otel.DeviceIDKey},
		{ConversationIDKey, otel.GenAIConversationIDKey},
		{OperationNameKey, otel.GenAIOperationNameKey},
		{AgentIDKey, otel.GenAIAgentIDKey},
		{RequestModelKey, otel.GenAIRequestModelKey},
		{ResponseModelKey, otel.GenAIResponseModelKey},
		{InputTokensKey, otel.GenAIUsageInputTokensKey},
		{OutputTokensKey, otel.GenAIUsageOutputTokensKey},
		{ToolNameKey, otel.GenAIToolNameKey},
		{ToolCallArgumentsKey, otel.GenAIToolCallArgumentsKey},
		{ToolCallResultKey, otel.GenAIToolCallResultKey},
	} {
		t.Run(string(tc.ours), func(t *testing.T) {
			assert.Equal(t, tc.theirs, tc.ours)
		})
	}
}

func TestOperationValuesMatchOTelSemconv(t *testing.T) {
	for _, tc := range []struct {
		ours   string
		theirs attribute.KeyValue
	}{
		{GenAIOperationChat, otel.GenAIOperationNameChat},
		{GenAIOperationInvokeAgent, otel.GenAIOperationNameInvokeAgent},
		{GenAIOperationExecuteTool, otel.GenAIOperationNameExecuteTool},
	} {
		t.Run(tc.ours, func(t *testing.T) {
			assert.Equal(t, tc.theirs, OperationName(tc.ours))
		})
	}
}

func TestConstructors(t *testing.T) {
	for _, tc := range []struct {
		got  attribute.KeyValue
		want attribute.KeyValue
	}{
		{SessionID("s1"), attribute.String("session.id", "s1")},
		{UserID("u1"), attribute.String("user.id", "u1")},
		{DeviceID("d1"), attribute.String("device.id", "d1")},
		{ConversationID("c1"), attribute.String("gen_ai.conversation.id", "c1")},
		{MindlyticsEvent(EventTurn), attribute.String("mindlytics.event", "turn")},
		{TurnUser("hi"), attribute.String("mindlytics.turn.user", "hi")},
		{TurnAssistant("hello"), attribute.String("mindlytics.turn.assistant", "hello")},
		{AgentID("bot"), attribute.String("gen_ai.agent.id", "bot")},
		{RequestModel("m"), attribute.String("gen_ai.request.model", "m")},
		{ResponseModel("m2"), attribute.String("gen_ai.response.model", "m2")},
		{InputTokens(3), attribute.Int("gen_ai.usage.input_tokens", 3)},
		{OutputTokens(4), attribute.Int("gen_ai.usage.output_tokens", 4)},
		{UsageCost(0.5), attribute.Float64("mindlytics.usage.cost", 0.5)},
		{ToolName("t"), attribute.String("gen_ai.tool.name", "t")},
		{ToolCallArguments(`{}`), attribute.String("gen_ai.tool.call.arguments", `{}`)},
		{ToolCallResult("ok"), attribute.String("gen_ai.tool.call.result", "ok")},
		{EventName("Checkout"), attribute.String("mindlytics.event.name", "Checkout")},
		{PreviousID("anon"), attribute.String("mindlytics.previous_id", "anon")},
		{Property("plan", "pro"), attribute.String("mindlytics.properties.plan", "pro")},
		{Attribute("channel", "web"), attribute.String("mindlytics.attributes.channel", "web")},
		{Trait("age", 42), attribute.Int("mindlytics.traits.age", 42)},
	} {
		t.Run(string(tc.want.Key), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got)
		})
	}
}

func TestValue(t *testing.T) {
	type point struct{ X, Y int }
	for _, tc := range []struct {
		name string
		in   any
		want attribute.Value
	}{
		{"string", "a", attribute.StringValue("a")},
		{"bool", true, attribute.BoolValue(true)},
		{"int", 7, attribute.Int64Value(7)},
		{"int8", int8(-3), attribute.Int64Value(-3)},
		{"uint32", uint32(9), attribute.Int64Value(9)},
		{"huge uint64", uint64(math.MaxUint64), attribute.StringValue("18446744073709551615")},
		{"float32", float32(0.5), attribute.Float64Value(0.5)},
		{"NaN", math.NaN(), attribute.StringValue("NaN")},
		{"strings", []string{"a", "b"}, attribute.StringSliceValue([]string{"a", "b"})},
		{"ints", []int{1, 2}, attribute.IntSliceValue([]int{1, 2})},
		{"stringer", time.Duration(1500) * time.Millisecond, attribute.StringValue("1.5s")},
		{"struct as JSON", point{1, 2}, attribute.StringValue(`{"X":1,"Y":2}`)},
		{"map as JSON", map[string]int{"a": 1}, attribute.StringValue(`{"a":1}`)},
		{"nil", nil, attribute.StringValue("")},
		{"attribute value", attribute.Float64Value(2), attribute.Float64Value(2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, toValue(tc.in))
		})
	}
}

func TestEventKinds(t *testing.T) {
	kinds := eventKinds()
	require.Len(t, kinds, 10)
	seen := map[EventKind]bool{}
	for _, k := range kinds {
		assert.True(t, k.Valid(), k)
		assert.False(t, seen[k], "duplicate %s", k)
		seen[k] = true
	}
	assert.False(t, EventKind("chat").Valid())
	assert.False(t, EventKind("").Valid())
}

func TestSpanNames(t *testing.T) {
	assert.Equal(t, "chat gpt-4o", ChatSpanName("gpt-4o"))
	assert.Equal(t, "chat", ChatSpanName(""))
	assert.Equal(t, "execute_tool get_weather", ExecuteToolSpanName("get_weather"))
}
