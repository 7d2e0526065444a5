package conventions

import "go.opentelemetry.io/otel/attribute"

// Mastra's inputs of an agent run and of its steps. Its model-call spans
// carry the answer and the usage but no input messages; these ancestors
// hold the user's words (a JSON message list, {"messages": […]}, or plain
// text).
const (
	MastraModelStepInputKey       = attribute.Key("mastra.model_step.input")
	MastraModelGenerationInputKey = attribute.Key("mastra.model_generation.input")
	MastraAgentRunInputKey        = attribute.Key("mastra.agent_run.input")
	// MastraReasoningTokensKey is where Mastra's exporter puts reasoning
	// tokens (not the GenAI key).
	MastraReasoningTokensKey = attribute.Key("gen_ai.usage.reasoning_tokens")
)
