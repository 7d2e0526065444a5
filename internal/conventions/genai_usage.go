package conventions

import "go.opentelemetry.io/otel/attribute"

// GenAIUsagePrefix and GenAIUsageModalities: per-modality token counts
// are gen_ai.usage.<modality>.<count>, such as gen_ai.usage.image.input_tokens.
const GenAIUsagePrefix = "gen_ai.usage."

// GenAIUsageModalities are the modalities of per-modality token counts.
var GenAIUsageModalities = []string{"text", "image", "audio", "video"}

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
	// GenAIUsageCostAmountKey, GenAIUsageCostCurrencyKey and
	// GenAIUsageCostSourceKey are a call's cost, its currency (ISO 4217)
	// and who computed it (the provider, an estimate, …).
	GenAIUsageCostAmountKey   = attribute.Key("gen_ai.usage.cost.amount")
	GenAIUsageCostCurrencyKey = attribute.Key("gen_ai.usage.cost.currency")
	GenAIUsageCostSourceKey   = attribute.Key("gen_ai.usage.cost.source")
	// GenAIUsageCostKey is a call's cost in USD as a bare number, as
	// Langfuse reads it and many apps write it.
	GenAIUsageCostKey = attribute.Key("gen_ai.usage.cost")
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
