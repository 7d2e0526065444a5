package semconv

import "go.opentelemetry.io/otel/attribute"

// Usage details, message context and response keys of the OTel GenAI
// conventions (semantic-conventions-genai; gen_ai.usage.cache_* since
// semconv 1.37, reasoning since 1.38).
const (
	// GenAIUsageCacheReadInputTokensKey counts the input tokens served from
	// the provider's cache; they are part of gen_ai.usage.input_tokens.
	GenAIUsageCacheReadInputTokensKey = attribute.Key("gen_ai.usage.cache_read.input_tokens")
	// GenAIUsageCacheWriteInputTokensKey counts the input tokens written to
	// the provider's cache.
	GenAIUsageCacheWriteInputTokensKey = attribute.Key("gen_ai.usage.cache_write.input_tokens")
	// GenAIUsageCacheCreationInputTokensKey is the older name of
	// cache_write (Anthropic's "cache creation").
	GenAIUsageCacheCreationInputTokensKey = attribute.Key("gen_ai.usage.cache_creation.input_tokens")
	// GenAIUsageReasoningOutputTokensKey counts the output tokens spent on
	// reasoning; they are part of gen_ai.usage.output_tokens.
	GenAIUsageReasoningOutputTokensKey = attribute.Key("gen_ai.usage.reasoning.output_tokens")
	// GenAIResponseIDKey is the provider's id of the response: two spans
	// with the same one describe the same call.
	GenAIResponseIDKey = attribute.Key("gen_ai.response.id")
	// GenAIResponseFinishReasonsKey lists why each choice stopped.
	GenAIResponseFinishReasonsKey = attribute.Key("gen_ai.response.finish_reasons")
	// GenAISystemInstructionsKey holds the system instructions apart from
	// the input messages.
	GenAISystemInstructionsKey = attribute.Key("gen_ai.system_instructions")
)

// More values of gen_ai.operation.name: steps and turns of agents.
const (
	// GenAIOperationAgentStep is one step of an agent loop (Vercel AI SDK 7
	// and others): a wrapper of model and tool calls.
	GenAIOperationAgentStep = "agent_step"
	// GenAIOperationHandleConversationTurn is one conversation turn handled
	// by an agent: the turn's texts, over model calls that carry the usage.
	GenAIOperationHandleConversationTurn = "handle_conversation_turn"
	// GenAIOperationInvocationInternal is the renamed in-process agent
	// invocation: a wrapper with no usage of its own.
	GenAIOperationInvocationInternal = "invocation.internal"
)

// OpenInference token count details.
const (
	// LLMTokenCountCacheReadKey counts prompt tokens read from the cache.
	LLMTokenCountCacheReadKey = attribute.Key("llm.token_count.prompt_details.cache_read")
	// LLMTokenCountCacheWriteKey counts prompt tokens written to the cache.
	LLMTokenCountCacheWriteKey = attribute.Key("llm.token_count.prompt_details.cache_write")
	// LLMTokenCountReasoningKey counts completion tokens spent reasoning.
	LLMTokenCountReasoningKey = attribute.Key("llm.token_count.completion_details.reasoning")
)

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

// GenAI evaluation events (gen_ai.evaluation.result, on the evaluated
// call's span or as a log record).
const (
	GenAIEvaluationResultEvent    = "gen_ai.evaluation.result"
	GenAIEvaluationNameKey        = attribute.Key("gen_ai.evaluation.name")
	GenAIEvaluationScoreValueKey  = attribute.Key("gen_ai.evaluation.score.value")
	GenAIEvaluationScoreLabelKey  = attribute.Key("gen_ai.evaluation.score.label")
	GenAIEvaluationExplanationKey = attribute.Key("gen_ai.evaluation.explanation")
	// EvaluationEventName is the user-defined Mindlytics event an
	// evaluation becomes, in the evaluated call's session and conversation.
	EvaluationEventName = "GenAI Evaluation"
)
