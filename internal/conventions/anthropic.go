package conventions

import "go.opentelemetry.io/otel/attribute"

// The Anthropic TypeScript SDK's own tracing (1.x): keys beyond the GenAI
// ones it writes.
const (
	// AnthropicToolResultContentKey holds what a tool of the SDK's tool
	// runner returned, as Anthropic content blocks ([{"type":"text",
	// "text":…}]).
	AnthropicToolResultContentKey = attribute.Key("anthropic.tool_result.content")
)
