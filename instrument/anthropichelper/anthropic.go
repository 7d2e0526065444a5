package anthropichelper

import (
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// ScopeName is the instrumentation scope of the spans: the SDK's own, since
// the SDK makes them.
const ScopeName = "com.anthropic.sdk.go"

// Options returns the client options that send the SDK's spans to the
// TracerProvider, with content on unless turned off:
//
//	client := anthropic.NewClient(anthropichelper.Options()...)
//
// They set the SDK's tracer provider and content mode explicitly, so the
// SDK's ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE has no effect; the
// SDK's ANTHROPIC_OPEN_TELEMETRY=false still turns its spans off.
func Options(opts ...Option) []option.RequestOption {
	c := newConfig(opts)
	mode := option.OpenTelemetryContentModeMetadataOnly
	if c.capture {
		mode = option.OpenTelemetryContentModeContent
	}
	var redact redactFunc
	if c.capture {
		redact = c.redact
	}
	tp := newHelperProvider(c.tp, redact)
	out := []option.RequestOption{
		option.WithTracerProvider(tp),
		option.WithOpenTelemetryTracesContentMode(mode),
	}
	if c.conversationID != "" {
		out = append(out, option.WithOpenTelemetryConversationID(c.conversationID))
	}
	return out
}
