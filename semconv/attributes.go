package semconv

import (
	"encoding/json"
	"fmt"
	"math"

	"go.opentelemetry.io/otel/attribute"
)

// SessionID returns the session id attribute (session.id).
func SessionID(id string) attribute.KeyValue { return SessionIDKey.String(id) }

// UserID returns the user id attribute (user.id).
func UserID(id string) attribute.KeyValue { return UserIDKey.String(id) }

// DeviceID returns the device id attribute (device.id).
func DeviceID(id string) attribute.KeyValue { return DeviceIDKey.String(id) }

// ConversationID returns the conversation id attribute (gen_ai.conversation.id).
func ConversationID(id string) attribute.KeyValue { return ConversationIDKey.String(id) }

// OperationName returns the GenAI operation attribute (gen_ai.operation.name),
// e.g. [GenAIOperationChat] or [GenAIOperationExecuteTool].
func OperationName(op string) attribute.KeyValue { return OperationNameKey.String(op) }

// MindlyticsEvent returns the attribute that says what the span means for
// Mindlytics (mindlytics.event).
func MindlyticsEvent(kind EventKind) attribute.KeyValue {
	return MindlyticsEventKey.String(string(kind))
}

// TurnUser returns the user's text of a turn (mindlytics.turn.user).
func TurnUser(text string) attribute.KeyValue { return TurnUserKey.String(text) }

// TurnAssistant returns the assistant's text of a turn
// (mindlytics.turn.assistant).
func TurnAssistant(text string) attribute.KeyValue { return TurnAssistantKey.String(text) }

// AgentID returns the assistant or agent id (gen_ai.agent.id).
func AgentID(id string) attribute.KeyValue { return AgentIDKey.String(id) }

// RequestModel returns the requested model (gen_ai.request.model).
func RequestModel(model string) attribute.KeyValue { return RequestModelKey.String(model) }

// ResponseModel returns the answering model (gen_ai.response.model).
func ResponseModel(model string) attribute.KeyValue { return ResponseModelKey.String(model) }

// InputTokens returns the prompt token count (gen_ai.usage.input_tokens).
func InputTokens(n int) attribute.KeyValue { return InputTokensKey.Int(n) }

// OutputTokens returns the completion token count
// (gen_ai.usage.output_tokens).
func OutputTokens(n int) attribute.KeyValue { return OutputTokensKey.Int(n) }

// UsageCost returns a known cost in USD (mindlytics.usage.cost).
func UsageCost(usd float64) attribute.KeyValue { return UsageCostKey.Float64(usd) }

// ToolName returns the tool's name (gen_ai.tool.name).
func ToolName(name string) attribute.KeyValue { return ToolNameKey.String(name) }

// ToolCallArguments returns a tool call's arguments, usually JSON
// (gen_ai.tool.call.arguments).
func ToolCallArguments(args string) attribute.KeyValue { return ToolCallArgumentsKey.String(args) }

// ToolCallResult returns a tool call's result (gen_ai.tool.call.result).
func ToolCallResult(result string) attribute.KeyValue { return ToolCallResultKey.String(result) }

// EventName returns the name of a user-defined event (mindlytics.event.name).
func EventName(name string) attribute.KeyValue { return EventNameKey.String(name) }

// PreviousID returns the previous user id of an alias (mindlytics.previous_id).
func PreviousID(id string) attribute.KeyValue { return PreviousIDKey.String(id) }

// Property returns the event property key (mindlytics.properties.<key>).
// Strings, booleans, integers and floats keep their type (unsigned
// integers above MaxInt64 and non-finite floats become strings), slices of
// those become attribute slices, an [attribute.Value] is kept, a
// [fmt.Stringer] gives its String, and anything else is JSON-encoded into a
// string; the translation sends scalars as they are and JSON-encodes the
// rest, because Mindlytics properties are scalar.
func Property(key string, value any) attribute.KeyValue {
	return attribute.KeyValue{Key: attribute.Key(PropertiesPrefix + key), Value: toValue(value)}
}

// Attribute returns the session or conversation attribute key
// (mindlytics.attributes.<key>); value is converted as by Property.
func Attribute(key string, value any) attribute.KeyValue {
	return attribute.KeyValue{Key: attribute.Key(AttributesPrefix + key), Value: toValue(value)}
}

// Trait returns the user trait key (mindlytics.traits.<key>); value is
// converted as by Property.
func Trait(key string, value any) attribute.KeyValue {
	return attribute.KeyValue{Key: attribute.Key(TraitsPrefix + key), Value: toValue(value)}
}

// toValue converts a Go value to an attribute value as Property says.
func toValue(v any) attribute.Value {
	switch x := v.(type) {
	case attribute.Value:
		return x
	case string:
		return attribute.StringValue(x)
	case bool:
		return attribute.BoolValue(x)
	case int:
		return attribute.IntValue(x)
	case int8:
		return attribute.Int64Value(int64(x))
	case int16:
		return attribute.Int64Value(int64(x))
	case int32:
		return attribute.Int64Value(int64(x))
	case int64:
		return attribute.Int64Value(x)
	case uint:
		return uintValue(uint64(x))
	case uint8:
		return attribute.Int64Value(int64(x))
	case uint16:
		return attribute.Int64Value(int64(x))
	case uint32:
		return attribute.Int64Value(int64(x))
	case uint64:
		return uintValue(x)
	case float32:
		return floatValue(float64(x))
	case float64:
		return floatValue(x)
	case []string:
		return attribute.StringSliceValue(x)
	case []bool:
		return attribute.BoolSliceValue(x)
	case []int:
		return attribute.IntSliceValue(x)
	case []int64:
		return attribute.Int64SliceValue(x)
	case []float64:
		return attribute.Float64SliceValue(x)
	case fmt.Stringer:
		return attribute.StringValue(x.String())
	case nil:
		return attribute.StringValue("")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return attribute.StringValue(fmt.Sprint(v))
	}
	return attribute.StringValue(string(b))
}

func uintValue(u uint64) attribute.Value {
	if u > math.MaxInt64 {
		return attribute.StringValue(fmt.Sprint(u))
	}
	return attribute.Int64Value(int64(u))
}

func floatValue(f float64) attribute.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return attribute.StringValue(fmt.Sprint(f))
	}
	return attribute.Float64Value(f)
}

// ConversationAnalysis returns the attributes of a conversation analysis,
// for a conversation.end span: summary, sentiment (positive, negative or
// neutral) and what it cost in USD.
func ConversationAnalysis(summary, sentiment string, cost float64) []attribute.KeyValue {
	return []attribute.KeyValue{ConversationAnalysisSummaryKey.String(summary),
		ConversationAnalysisSentimentKey.String(sentiment), ConversationAnalysisCostKey.Float64(cost)}
}

// IntentAnalysis returns the attributes of an intent analysis, for a
// conversation.end span: summary, sentiment, fulfilled (yes or no) and
// what it cost in USD.
func IntentAnalysis(summary, sentiment, fulfilled string, cost float64) []attribute.KeyValue {
	return []attribute.KeyValue{IntentAnalysisSummaryKey.String(summary), IntentAnalysisSentimentKey.String(sentiment),
		IntentAnalysisFulfilledKey.String(fulfilled), IntentAnalysisCostKey.Float64(cost)}
}
