package anthropichelper

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// CaptureContentEnv is the environment variable that turns content capture
// off ("false") when no option says otherwise.
const CaptureContentEnv = genai.CaptureContentEnv

// Option configures the helper.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is the resolved configuration; defaults are set in newConfig only.
type config struct {
	tp             trace.TracerProvider
	capture        bool
	redact         func(role, content string) string
	conversationID string
}

// WithTracerProvider sets the TracerProvider of the SDK's spans. The default
// is the global one (otel.GetTracerProvider), read when Options is called.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	})
}

// WithCaptureContent turns the capture of message content (input and output
// messages, system instructions, tool call arguments and results) on or off.
// It wins over OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT and over
// the SDK's ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE; the default is on.
// Without content, Mindlytics gets usage but no turns.
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *config) { c.capture = on })
}

// WithRedactor passes every captured text through redact before it goes on
// a span: message texts, system instructions, tool call arguments (as JSON)
// and tool results (as JSON). role is system, user, assistant or tool;
// return "" to drop the text. The SDK has no redaction hook, so the helper
// wraps the TracerProvider to rewrite the content attributes as the SDK sets
// them. redact must be safe for concurrent use.
func WithRedactor(redact func(role, content string) string) Option {
	return optionFunc(func(c *config) { c.redact = redact })
}

// WithConversationID sets gen_ai.conversation.id on every span of the
// client (option.WithOpenTelemetryConversationID). Pass it to one call, not
// the client, when each conversation has its own id; spans in a session of
// package instrument already take the conversation from their trace.
func WithConversationID(id string) Option {
	return optionFunc(func(c *config) { c.conversationID = id })
}

func newConfig(opts []Option) config {
	c := config{capture: genai.CaptureFromEnv()}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	return c
}
