package conventions

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
	// GenAIToolCallIDKey is the id of the tool call a tool span ran: the id
	// the model gave the call, which the next call's input answers.
	GenAIToolCallIDKey = attribute.Key("gen_ai.tool.call.id")
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

// EnduserIDKey is the OTel general registry's end-user id, the last of the
// keys a user id is looked up under.
const EnduserIDKey = attribute.Key("enduser.id")

// The other values of gen_ai.operation.name that the OTel GenAI conventions
// define (semconv has chat, execute_tool and invoke_agent).
const (
	GenAIOperationTextCompletion  = "text_completion"
	GenAIOperationGenerateContent = "generate_content"
	GenAIOperationEmbeddings      = "embeddings"
	GenAIOperationRetrieval       = "retrieval"
	GenAIOperationCreateAgent     = "create_agent"
	GenAIOperationInvokeWorkflow  = "invoke_workflow"
)
