package bedrockhelper

import (
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"go.opentelemetry.io/otel/trace"
)

// Option configures the helper.
type Option struct{ o genai.Option }

// WithTracerProvider sets the TracerProvider of the spans. The default is
// the global one (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return Option{genai.WithTracerProvider(tp)}
}

// WithCaptureContent turns the capture of message content (input and output
// messages, system instructions, tool call arguments) on or off. It wins
// over OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT; the default is
// on. Without content, Mindlytics gets usage but no turns.
func WithCaptureContent(on bool) Option {
	return Option{genai.WithCaptureContent(on)}
}

// WithRedactor passes every captured text through redact before it goes on
// a span: message texts, system instructions, tool call arguments and tool
// results. role is system, user, assistant or tool; return "" to drop the
// text. It runs on the caller's goroutine and must be safe for concurrent
// use.
func WithRedactor(redact func(role, content string) string) Option {
	return Option{genai.WithRedactor(redact)}
}

func unwrap(opts []Option) []genai.Option {
	out := make([]genai.Option, len(opts))
	for i, o := range opts {
		out[i] = o.o
	}
	return out
}
