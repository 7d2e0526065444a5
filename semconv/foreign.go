package semconv

import "go.opentelemetry.io/otel/attribute"

// OTel GenAI conventions (v1.37+ and the semantic-conventions-genai repo):
// keys the translation reads beyond the ones we write.
const (
	// GenAIProviderNameKey is the GenAI provider (openai, anthropic, …).
	GenAIProviderNameKey = attribute.Key("gen_ai.provider.name")
	// GenAIInputMessagesKey holds the input messages: a JSON string or a
	// structured array of {role, parts: [{type, content|…}]}.
	GenAIInputMessagesKey = attribute.Key("gen_ai.input.messages")
	// GenAIOutputMessagesKey holds the output messages, same shape plus
	// finish_reason.
	GenAIOutputMessagesKey = attribute.Key("gen_ai.output.messages")
	// GenAIAgentNameKey is the agent's human-readable name; the assistant id
	// when no gen_ai.agent.id is set.
	GenAIAgentNameKey = attribute.Key("gen_ai.agent.name")
)

// Values of gen_ai.operation.name.
const (
	GenAIOperationChat            = "chat"
	GenAIOperationTextCompletion  = "text_completion"
	GenAIOperationGenerateContent = "generate_content"
	GenAIOperationEmbeddings      = "embeddings"
	GenAIOperationRetrieval       = "retrieval"
	GenAIOperationCreateAgent     = "create_agent"
	GenAIOperationInvokeAgent     = "invoke_agent"
	GenAIOperationExecuteTool     = "execute_tool"
	GenAIOperationInvokeWorkflow  = "invoke_workflow"
)

// Roles and part types of the GenAI message JSON.
const (
	GenAIRoleUser      = "user"
	GenAIRoleAssistant = "assistant"
	GenAIRoleSystem    = "system"
	GenAIRoleTool      = "tool"

	GenAIPartText             = "text"
	GenAIPartToolCall         = "tool_call"
	GenAIPartToolCallResponse = "tool_call_response"
)

// Deprecated OTel GenAI keys and span events (semantic conventions up to
// v1.36), still emitted by many instrumentations.
const (
	// GenAISystemKey is the deprecated provider key (gen_ai.provider.name now).
	GenAISystemKey = attribute.Key("gen_ai.system")
	// GenAIUsagePromptTokensKey is the deprecated name of input_tokens.
	GenAIUsagePromptTokensKey = attribute.Key("gen_ai.usage.prompt_tokens")
	// GenAIUsageCompletionTokensKey is the deprecated name of output_tokens.
	GenAIUsageCompletionTokensKey = attribute.Key("gen_ai.usage.completion_tokens")
	// GenAIPromptKey is the prompt on a gen_ai.content.prompt span event
	// (text or OpenAI-style message JSON).
	GenAIPromptKey = attribute.Key("gen_ai.prompt")
	// GenAICompletionKey is the completion on a gen_ai.content.completion
	// span event.
	GenAICompletionKey = attribute.Key("gen_ai.completion")
	// GenAIEventContentKey is the JSON body some instrumentations put on
	// gen_ai.*.message and gen_ai.choice span events.
	GenAIEventContentKey = attribute.Key("gen_ai.event.content")
	// EventContentKey is the content attribute of a gen_ai.user.message
	// (or gen_ai.choice) span event.
	EventContentKey = attribute.Key("content")
	// EventMessageKey is the message ({role, content}) of a gen_ai.choice
	// span event.
	EventMessageKey = attribute.Key("message")
)

// Names of the deprecated GenAI span events.
const (
	GenAIUserMessageEvent       = "gen_ai.user.message"
	GenAIChoiceEvent            = "gen_ai.choice"
	GenAIContentPromptEvent     = "gen_ai.content.prompt"
	GenAIContentCompletionEvent = "gen_ai.content.completion"
)

// OpenLLMetry (Traceloop) keys.
const (
	// TraceloopSpanKindKey is workflow, task, agent or tool.
	TraceloopSpanKindKey = attribute.Key("traceloop.span.kind")
	// TraceloopEntityNameKey names the workflow, task, agent or tool.
	TraceloopEntityNameKey = attribute.Key("traceloop.entity.name")
	// TraceloopEntityInputKey is the input of an entity: a tool's arguments.
	TraceloopEntityInputKey = attribute.Key("traceloop.entity.input")
	// TraceloopEntityOutputKey is the output of an entity: a tool's result.
	TraceloopEntityOutputKey = attribute.Key("traceloop.entity.output")
	// TraceloopSessionIDKey is the session id association property.
	TraceloopSessionIDKey = attribute.Key("traceloop.association.properties.session_id")
	// TraceloopUserIDKey is the user id association property.
	TraceloopUserIDKey = attribute.Key("traceloop.association.properties.user_id")
	// LLMRequestTypeKey is OpenLLMetry's older operation key (chat,
	// completion, embedding, rerank).
	LLMRequestTypeKey = attribute.Key("llm.request.type")
)

// OpenLLMetry indexed message attributes (up to 0.54):
// gen_ai.prompt.<N>.role / .content, gen_ai.completion.<N>.role / .content,
// gen_ai.completion.<N>.tool_calls.<M>.name.
const (
	OpenLLMetryPromptPrefix     = "gen_ai.prompt."
	OpenLLMetryCompletionPrefix = "gen_ai.completion."
	OpenLLMetryRoleSuffix       = "role"
	OpenLLMetryContentSuffix    = "content"
	OpenLLMetryToolCallsPrefix  = "tool_calls."
)

// Values of traceloop.span.kind and llm.request.type.
const (
	TraceloopKindWorkflow = "workflow"
	TraceloopKindTask     = "task"
	TraceloopKindAgent    = "agent"
	TraceloopKindTool     = "tool"

	LLMRequestTypeChat       = "chat"
	LLMRequestTypeCompletion = "completion"
)

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
)

// Values of openinference.span.kind.
const (
	OpenInferenceKindLLM       = "LLM"
	OpenInferenceKindTool      = "TOOL"
	OpenInferenceKindAgent     = "AGENT"
	OpenInferenceKindChain     = "CHAIN"
	OpenInferenceKindEmbedding = "EMBEDDING"
)

// Identity keys of other tools, read after ours.
const (
	// LangfuseSessionIDKey is Langfuse's session id.
	LangfuseSessionIDKey = attribute.Key("langfuse.session.id")
	// LangfuseUserIDKey is Langfuse's user id.
	LangfuseUserIDKey = attribute.Key("langfuse.user.id")
	// VercelSessionIDKey is the Vercel AI SDK's telemetry metadata sessionId.
	VercelSessionIDKey = attribute.Key("ai.telemetry.metadata.sessionId")
	// VercelUserIDKey is the Vercel AI SDK's telemetry metadata userId.
	VercelUserIDKey = attribute.Key("ai.telemetry.metadata.userId")
	// EnduserIDKey is the OTel general registry's end-user id.
	EnduserIDKey = attribute.Key("enduser.id")
)

// DefaultSessionKeys returns the keys a session id is looked up under, in
// order: ours first. The slice is a fresh copy, free to extend.
func DefaultSessionKeys() []string {
	return []string{
		string(SessionIDKey), string(TraceloopSessionIDKey),
		string(LangfuseSessionIDKey), string(VercelSessionIDKey), string(VercelContextSessionIDKey),
	}
}

// DefaultUserKeys returns the keys a user id is looked up under, in order.
func DefaultUserKeys() []string {
	return []string{
		string(UserIDKey), string(TraceloopUserIDKey), string(LangfuseUserIDKey),
		string(VercelUserIDKey), string(VercelContextUserIDKey), string(EnduserIDKey),
	}
}

// DefaultDeviceKeys returns the keys a device id is looked up under, in order.
func DefaultDeviceKeys() []string {
	return []string{string(DeviceIDKey)}
}
