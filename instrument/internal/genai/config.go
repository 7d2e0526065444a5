package genai

import (
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// CaptureContentEnv is the environment variable that turns message content
// capture off ("false") when no option says otherwise.
const CaptureContentEnv = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

// Redactor rewrites one piece of captured content before it goes on a span.
// role is system, user, assistant or tool; returning "" drops the text.
type Redactor func(role, content string) string

// Config is the resolved configuration of an Instrumenter.
type Config struct {
	TracerProvider trace.TracerProvider
	// Capture is nil until an option sets it; then it wins over the
	// environment.
	Capture *bool
	Redact  Redactor
}

// Option configures an Instrumenter.
type Option func(*Config)

// WithTracerProvider sets the provider of the spans; the default is the
// global one.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *Config) { c.TracerProvider = tp }
}

// WithCaptureContent turns message content capture on or off, over the
// environment variable.
func WithCaptureContent(on bool) Option {
	return func(c *Config) { c.Capture = &on }
}

// WithRedactor sets the function every captured text passes through.
func WithRedactor(r Redactor) Option {
	return func(c *Config) { c.Redact = r }
}

// CaptureFromEnv reads CaptureContentEnv: content is on unless it says
// false. Mindlytics needs turn texts, so our default differs from most GenAI
// instrumentations (which are opt-in).
func CaptureFromEnv() bool {
	v := strings.TrimSpace(os.Getenv(CaptureContentEnv))
	if v == "" {
		return true
	}
	on, err := strconv.ParseBool(v)
	return err != nil || on
}

func resolve(opts []Option) Config {
	var c Config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.TracerProvider == nil {
		c.TracerProvider = otel.GetTracerProvider()
	}
	if c.Capture == nil {
		on := CaptureFromEnv()
		c.Capture = &on
	}
	return c
}
