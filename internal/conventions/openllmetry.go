package conventions

import "go.opentelemetry.io/otel/attribute"

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

// InputExcludesCacheScopes are instrumentation scopes whose input token
// count is the provider's own, which leaves cache reads and writes out
// (Anthropic's API counts them apart), where the GenAI conventions count
// the whole input. Captured: OpenLLMetry for JS on the Anthropic SDK 0.x
// (tools/fixtures, openllmetry-anthropic).
var InputExcludesCacheScopes = []string{"@traceloop/instrumentation-anthropic"}

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
