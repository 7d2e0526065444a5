package genai

import "go.opentelemetry.io/otel/attribute"

// Keys of the OTel GenAI conventions (semantic-conventions-genai, openai.md)
// that package semconv does not define yet. The lead owns semconv; these stay
// here until it has them.
const (
	systemInstructionsKey = attribute.Key("gen_ai.system_instructions")
	responseIDKey         = attribute.Key("gen_ai.response.id")
	finishReasonsKey      = attribute.Key("gen_ai.response.finish_reasons")
	cacheReadKey          = attribute.Key("gen_ai.usage.cache_read.input_tokens")
	reasoningKey          = attribute.Key("gen_ai.usage.reasoning.output_tokens")
	requestStreamKey      = attribute.Key("gen_ai.request.stream")
	temperatureKey        = attribute.Key("gen_ai.request.temperature")
	topPKey               = attribute.Key("gen_ai.request.top_p")
	maxTokensKey          = attribute.Key("gen_ai.request.max_tokens")
	frequencyPenaltyKey   = attribute.Key("gen_ai.request.frequency_penalty")
	presencePenaltyKey    = attribute.Key("gen_ai.request.presence_penalty")
	stopSequencesKey      = attribute.Key("gen_ai.request.stop_sequences")
	seedKey               = attribute.Key("gen_ai.request.seed")
	choiceCountKey        = attribute.Key("gen_ai.request.choice.count")
	outputTypeKey         = attribute.Key("gen_ai.output.type")
	timeToFirstChunkKey   = attribute.Key("gen_ai.response.time_to_first_chunk")
	openaiAPITypeKey      = attribute.Key("openai.api.type")
	requestTierKey        = attribute.Key("openai.request.service_tier")
	responseTierKey       = attribute.Key("openai.response.service_tier")
	fingerprintKey        = attribute.Key("openai.response.system_fingerprint")
	errorTypeKey          = attribute.Key("error.type")
	serverAddressKey      = attribute.Key("server.address")
	serverPortKey         = attribute.Key("server.port")
	toolResultKey         = attribute.Key("gen_ai.tool.call.result")
)

// Values of the keys above.
const (
	providerOpenAI   = "openai"
	apiTypeChat      = "chat_completions"
	apiTypeResponses = "responses"

	// Finish reasons of calls that did not finish: the stream was closed
	// early or the context ended, or reading it failed.
	finishCancelled = "cancelled"
	finishError     = "error"

	errorCancelled = "cancelled"
	errorTimeout   = "timeout"
	errorOther     = "_OTHER"
)
