package conventions

import "go.opentelemetry.io/otel/attribute"

// OpenInferenceMetadataKey holds the run's metadata as a JSON object
// (LangChain's run config metadata): session and user ids may be only
// there, under session_id / sessionId and user_id / userId.
const OpenInferenceMetadataKey = attribute.Key("metadata")

// OpenInference (Arize) keys.
const (
	// OpenInferenceSpanKindKey is LLM, TOOL, AGENT, CHAIN, EMBEDDING, ….
	OpenInferenceSpanKindKey = attribute.Key("openinference.span.kind")
	// LLMModelNameKey is the model of an LLM span.
	LLMModelNameKey = attribute.Key("llm.model_name")
	// LLMTokenCountPromptKey is the prompt token count.
	LLMTokenCountPromptKey = attribute.Key("llm.token_count.prompt")
	// LLMTokenCountCompletionKey is the completion token count.
	LLMTokenCountCompletionKey = attribute.Key("llm.token_count.completion")
	// LLMCostTotalKey is the total cost of the call in USD.
	LLMCostTotalKey = attribute.Key("llm.cost.total")
	// InputValueKey is the input of an operation: a tool's arguments, or an
	// LLM's input (text, or JSON with input.mime_type application/json).
	InputValueKey = attribute.Key("input.value")
	// OutputValueKey is the output of an operation.
	OutputValueKey = attribute.Key("output.value")
	// InputMimeTypeKey is the MIME type of input.value.
	InputMimeTypeKey = attribute.Key("input.mime_type")
	// OutputMimeTypeKey is the MIME type of output.value.
	OutputMimeTypeKey = attribute.Key("output.mime_type")
	// OpenInferenceToolNameKey is the tool of a TOOL span.
	OpenInferenceToolNameKey = attribute.Key("tool.name")
	// OpenInferenceAgentNameKey is the agent's name.
	OpenInferenceAgentNameKey = attribute.Key("agent.name")
)

// OpenInference flattened message attributes:
// llm.input_messages.<N>.message.role / .message.content /
// .message.contents.<M>.message_content.text /
// .message.tool_calls.<M>.tool_call.function.name, and the same under
// llm.output_messages.
const (
	OpenInferenceInputMessagesPrefix  = "llm.input_messages."
	OpenInferenceOutputMessagesPrefix = "llm.output_messages."
	OpenInferenceRoleSuffix           = "message.role"
	OpenInferenceContentSuffix        = "message.content"
	OpenInferenceContentsPrefix       = "message.contents."
	OpenInferenceContentTextSuffix    = "message_content.text"
	OpenInferenceToolCallsPrefix      = "message.tool_calls."
	// OpenInferenceToolCallIDSuffix marks a message that answers a tool
	// call: a tool result, whatever its role (Anthropic's are user messages).
	OpenInferenceToolCallIDSuffix = "message.tool_call_id"
	// The fields of one tool call, after OpenInferenceToolCallsPrefix<M>.
	OpenInferenceToolCallIDField        = "tool_call.id"
	OpenInferenceToolCallNameField      = "tool_call.function.name"
	OpenInferenceToolCallArgumentsField = "tool_call.function.arguments"
)

// Values of openinference.span.kind.
const (
	OpenInferenceKindLLM       = "LLM"
	OpenInferenceKindTool      = "TOOL"
	OpenInferenceKindAgent     = "AGENT"
	OpenInferenceKindChain     = "CHAIN"
	OpenInferenceKindEmbedding = "EMBEDDING"
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
