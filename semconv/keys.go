package semconv

import "go.opentelemetry.io/otel/attribute"

// Identity keys. Standard keys of the OTel general registry; put them on every
// span of a session (the collector's load balancing routes on them).
const (
	// SessionIDKey is the Mindlytics session id: globally unique, 1–100
	// characters, chosen by the application.
	SessionIDKey = attribute.Key("session.id")
	// UserIDKey is the id of the user of the session, 1–100 characters.
	UserIDKey = attribute.Key("user.id")
	// DeviceIDKey is the id of the device, 1–100 characters, on the span or
	// the resource. A session needs a user id or a device id.
	DeviceIDKey = attribute.Key("device.id")
)

// Conversation, model and usage keys: the OTel GenAI keys, reused.
const (
	// ConversationIDKey is the id of the conversation a span belongs to.
	ConversationIDKey = attribute.Key("gen_ai.conversation.id")
	// OperationNameKey is the GenAI operation of a span: chat, execute_tool,
	// invoke_agent, … (see the GenAIOperation* values).
	OperationNameKey = attribute.Key("gen_ai.operation.name")
	// AgentIDKey is the id of the assistant or agent answering; it becomes
	// the turn's assistant_id.
	AgentIDKey = attribute.Key("gen_ai.agent.id")
	// RequestModelKey is the model asked for.
	RequestModelKey = attribute.Key("gen_ai.request.model")
	// ResponseModelKey is the model that answered; it wins over
	// RequestModelKey.
	ResponseModelKey = attribute.Key("gen_ai.response.model")
	// InputTokensKey is the number of prompt tokens of a model call.
	InputTokensKey = attribute.Key("gen_ai.usage.input_tokens")
	// OutputTokensKey is the number of completion tokens of a model call.
	OutputTokensKey = attribute.Key("gen_ai.usage.output_tokens")
	// ToolNameKey is the name of the tool an execute_tool span runs.
	ToolNameKey = attribute.Key("gen_ai.tool.name")
	// ToolCallArgumentsKey is the arguments of a tool call, usually JSON.
	ToolCallArgumentsKey = attribute.Key("gen_ai.tool.call.arguments")
	// ToolCallResultKey is the result of a tool call.
	ToolCallResultKey = attribute.Key("gen_ai.tool.call.result")
)

// The mindlytics.* keys, for what no standard key names.
const (
	// MindlyticsEventKey says what a span means for Mindlytics; its values
	// are the [EventKind] constants. When present it decides.
	MindlyticsEventKey = attribute.Key("mindlytics.event")
	// TurnUserKey is the user's text of a turn, a plain string.
	TurnUserKey = attribute.Key("mindlytics.turn.user")
	// TurnAssistantKey is the assistant's text of a turn, a plain string.
	TurnAssistantKey = attribute.Key("mindlytics.turn.assistant")
	// UsageCostKey is a known cost of a model call in USD.
	UsageCostKey = attribute.Key("mindlytics.usage.cost")
	// EventNameKey is the name of a user-defined (track) event.
	EventNameKey = attribute.Key("mindlytics.event.name")
	// PreviousIDKey is the previous user id of an alias.
	PreviousIDKey = attribute.Key("mindlytics.previous_id")
)

// The analyses a conversation end may carry (conversation_analysis and
// intent_analysis of "Conversation Ended"): an analysis is sent when its
// summary or sentiment is set; the service refuses it without a sentiment
// of positive, negative or neutral (and, for the intent, a fulfilled of
// yes or no).
const (
	// ConversationAnalysisSummaryKey is the summary of the conversation.
	ConversationAnalysisSummaryKey = attribute.Key("mindlytics.conversation_analysis.summary")
	// ConversationAnalysisSentimentKey is its overall sentiment: positive,
	// negative or neutral.
	ConversationAnalysisSentimentKey = attribute.Key("mindlytics.conversation_analysis.sentiment")
	// ConversationAnalysisCostKey is what the analysis cost, in USD.
	ConversationAnalysisCostKey = attribute.Key("mindlytics.conversation_analysis.cost")
	// IntentAnalysisSummaryKey is the summary of the user's intent.
	IntentAnalysisSummaryKey = attribute.Key("mindlytics.intent_analysis.summary")
	// IntentAnalysisSentimentKey is the sentiment of the intent: positive,
	// negative or neutral.
	IntentAnalysisSentimentKey = attribute.Key("mindlytics.intent_analysis.sentiment")
	// IntentAnalysisFulfilledKey says whether the intent was fulfilled: yes
	// or no.
	IntentAnalysisFulfilledKey = attribute.Key("mindlytics.intent_analysis.intent_fulfilled")
	// IntentAnalysisCostKey is what the intent analysis cost, in USD.
	IntentAnalysisCostKey = attribute.Key("mindlytics.intent_analysis.cost")
)

// Prefixes of the open-ended mindlytics.* keys: the rest of the key is the
// name of the property, attribute or trait.
const (
	// PropertiesPrefix starts the keys of event properties
	// ("mindlytics.properties.plan" → properties.plan).
	PropertiesPrefix = "mindlytics.properties."
	// AttributesPrefix starts the keys of session and conversation
	// attributes.
	AttributesPrefix = "mindlytics.attributes."
	// TraitsPrefix starts the keys of user traits (identify).
	TraitsPrefix = "mindlytics.traits."
)

// EventKind is a value of [MindlyticsEventKey]: what a span means for
// Mindlytics.
type EventKind string

// The values of mindlytics.event.
const (
	// EventSessionStart starts a session (start_session) at the span's start.
	EventSessionStart EventKind = "session.start"
	// EventSessionEnd ends a session (end_session) and its open conversations.
	EventSessionEnd EventKind = "session.end"
	// EventConversationStart starts a conversation ("Conversation Started").
	EventConversationStart EventKind = "conversation.start"
	// EventConversationEnd ends a conversation ("Conversation Ended").
	EventConversationEnd EventKind = "conversation.end"
	// EventTurn is one exchange: user text and assistant text
	// ("Conversation Turn").
	EventTurn EventKind = "turn"
	// EventUsage is the usage of one model call ("Conversation Usage").
	EventUsage EventKind = "usage"
	// EventFunction is one tool or function call ("Conversation Function").
	EventFunction EventKind = "function"
	// EventTrack is a user-defined event named by [EventNameKey].
	EventTrack EventKind = "track"
	// EventIdentify says who the session's user is, with traits.
	EventIdentify EventKind = "identify"
	// EventAlias makes the user id an alias of [PreviousIDKey].
	EventAlias EventKind = "alias"
)

// eventKinds returns every value of mindlytics.event, in a fixed order.
func eventKinds() []EventKind {
	return []EventKind{
		EventSessionStart, EventSessionEnd, EventConversationStart, EventConversationEnd,
		EventTurn, EventUsage, EventFunction, EventTrack, EventIdentify, EventAlias,
	}
}

// Valid reports whether k is one of the values of mindlytics.event.
func (k EventKind) Valid() bool {
	switch k {
	case EventSessionStart, EventSessionEnd, EventConversationStart, EventConversationEnd,
		EventTurn, EventUsage, EventFunction, EventTrack, EventIdentify, EventAlias:
		return true
	}
	return false
}

// ChatSpanName names a model call as the GenAI conventions do: "chat {model}".
func ChatSpanName(model string) string { return joinName(GenAIOperationChat, model) }

// ExecuteToolSpanName names a tool call as the GenAI conventions do:
// "execute_tool {tool}".
func ExecuteToolSpanName(tool string) string { return joinName(GenAIOperationExecuteTool, tool) }

func joinName(op, what string) string {
	if what == "" {
		return op
	}
	return op + " " + what
}
