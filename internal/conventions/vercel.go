package conventions

import "go.opentelemetry.io/otel/attribute"

// Vercel AI SDK keys (ai 5, 6 and 7's LegacyOpenTelemetry; ai 7's
// OpenTelemetry integration writes the GenAI keys).
const (
	// VercelOperationIDKey names what a span is: ai.generateText,
	// ai.generateText.doGenerate, ai.streamText.doStream, ai.toolCall, ….
	VercelOperationIDKey = attribute.Key("ai.operationId")
	// VercelPromptMessagesKey holds a step's input messages (JSON).
	VercelPromptMessagesKey = attribute.Key("ai.prompt.messages")
	// VercelResponseTextKey is a step's (or call's) output text.
	VercelResponseTextKey = attribute.Key("ai.response.text")
	// VercelResponseToolCallsKey lists the tool calls a step asked for (JSON).
	VercelResponseToolCallsKey = attribute.Key("ai.response.toolCalls")
	// VercelModelIDKey is the model asked for.
	VercelModelIDKey = attribute.Key("ai.model.id")
	// VercelResponseModelKey is the model that answered.
	VercelResponseModelKey = attribute.Key("ai.response.model")
	// VercelUsageInputTokensKey and VercelUsageOutputTokensKey are the token
	// counts (ai 5 streamText, ai 6+); VercelUsagePromptTokensKey and
	// VercelUsageCompletionTokensKey their older names (ai 4, ai 5
	// generateText).
	VercelUsageInputTokensKey      = attribute.Key("ai.usage.inputTokens")
	VercelUsageOutputTokensKey     = attribute.Key("ai.usage.outputTokens")
	VercelUsagePromptTokensKey     = attribute.Key("ai.usage.promptTokens")
	VercelUsageCompletionTokensKey = attribute.Key("ai.usage.completionTokens")
	// VercelUsageCachedInputTokensKey and VercelUsageCacheReadTokensKey count
	// cached input tokens (ai 5, ai 6+).
	VercelUsageCachedInputTokensKey = attribute.Key("ai.usage.cachedInputTokens")
	VercelUsageCacheReadTokensKey   = attribute.Key("ai.usage.inputTokenDetails.cacheReadTokens")
	// VercelUsageReasoningTokensKey and VercelUsageOutputReasoningTokensKey
	// count reasoning tokens (ai 5, ai 6+).
	VercelUsageReasoningTokensKey       = attribute.Key("ai.usage.reasoningTokens")
	VercelUsageOutputReasoningTokensKey = attribute.Key("ai.usage.outputTokenDetails.reasoningTokens")
	// VercelToolCallNameKey, VercelToolCallArgsKey and VercelToolCallResultKey
	// describe an ai.toolCall span.
	VercelToolCallNameKey   = attribute.Key("ai.toolCall.name")
	VercelToolCallArgsKey   = attribute.Key("ai.toolCall.args")
	VercelToolCallResultKey = attribute.Key("ai.toolCall.result")
	// VercelToolCallIDKey is the id of the tool call an ai.toolCall span ran.
	VercelToolCallIDKey = attribute.Key("ai.toolCall.id")
	// VercelContextSessionIDKey and VercelContextUserIDKey are the ids ai 7
	// records from the call's runtime context.
	VercelContextSessionIDKey = attribute.Key("ai.settings.context.sessionId")
	VercelContextUserIDKey    = attribute.Key("ai.settings.context.userId")
)

// Values of ai.operationId: the calls that wrap steps, the steps (model
// calls) and tool calls.
var (
	VercelWrapperOperations = []string{"ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject"}
	VercelModelOperations   = []string{"ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate", "ai.streamObject.doStream"}
	VercelToolOperation     = "ai.toolCall"
)
