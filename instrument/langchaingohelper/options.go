package langchaingohelper

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// Option configures the handler.
type Option struct{ apply func(*config) }

type config struct {
	tp        trace.TracerProvider
	capture   *bool
	redact    genai.Redactor
	model     string
	provider  string
	agentName string
	llmSpans  bool
}

// WithTracerProvider sets the TracerProvider of the spans. The default is
// the global one (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return Option{func(c *config) { c.tp = tp }}
}

// WithCaptureContent turns the capture of message content (input and output
// messages, system instructions, tool arguments and results) on or off. It
// wins over OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT; the default
// is on. Without content, Mindlytics gets usage but no turns.
func WithCaptureContent(on bool) Option {
	return Option{func(c *config) { c.capture = &on }}
}

// WithRedactor passes every captured text through redact before it goes on
// a span: message texts, system instructions, tool arguments and results.
// role is system, user, assistant or tool; return "" to drop the text. It
// runs on the caller's goroutine and must be safe for concurrent use.
func WithRedactor(redact func(role, content string) string) Option {
	return Option{func(c *config) { c.redact = redact }}
}

// WithModel names the model of the spans (gen_ai.request.model and the
// span name): langchaingo's callbacks do not say which model they serve.
// The default is none.
func WithModel(name string) Option {
	return Option{func(c *config) { c.model = name }}
}

// WithProvider sets gen_ai.provider.name (openai, anthropic,
// gcp.gemini…); the default is openai.
func WithProvider(name string) Option {
	return Option{func(c *config) { c.provider = name }}
}

// WithAgentName sets gen_ai.agent.name on the spans of chains; the default
// is none.
func WithAgentName(name string) Option {
	return Option{func(c *config) { c.agentName = name }}
}

// WithLLMSpans turns the spans of model calls on (the default) or off. A
// call is counted once either way when the model's HTTP client is traced
// by one of our helpers (instrument/goopenaihelper): on, the helper's span
// stacks under the handler's; off, it is the only one.
func WithLLMSpans(on bool) Option {
	return Option{func(c *config) { c.llmSpans = on }}
}

// resolve applies opts over the defaults: explicit options, then the
// environment, then defaults.
func resolve(opts []Option) config {
	c := config{provider: "openai", llmSpans: true}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.capture == nil {
		on := genai.CaptureFromEnv()
		c.capture = &on
	}
	return c
}
