// Package anthropichelper sends the OpenTelemetry spans that
// github.com/anthropics/anthropic-sdk-go/v2 makes itself to your
// TracerProvider, with message content on, so that Mindlytics (through
// mindlytics-otel's exporter) sees each conversation's turns, token usage
// and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/anthropichelper.
//
// One option set, no code beyond it:
//
//	client := anthropic.NewClient(anthropichelper.Options()...)
//
// The SDK (v2.15.0 and later) makes one CLIENT span
// "anthropic.messages.create" per Messages call, streamed or not, over all
// its retries, a child of the span in the call's context: call the client
// with the context of the user's turn (package instrument puts the session
// there) and the span joins that session. A call made with another context
// (context.Background()) becomes a one-turn session of its own, said once to
// the exporter's error handler (exporter.ErrorNoSession). The span has
// gen_ai.operation.name "chat", gen_ai.provider.name "anthropic", the
// request and response model, the stop reason, token usage and, with
// content, gen_ai.input.messages, gen_ai.output.messages and
// gen_ai.system_instructions as GenAI message JSON. The helper changes none
// of the SDK's requests or responses: it gives the SDK a TracerProvider
// whose spans add, beside the SDK's anthropic.message.stop_reason,
// gen_ai.response.finish_reasons as the conventions name it, and mark a call
// the application stopped (a stream closed early or whose context ended,
// which the SDK ends with no status) with finish reason "cancelled",
// error.type "cancelled" and status Error, as instrument/openaihelper does.
//
// # Tokens
//
// The Messages API reports input_tokens apart from the cached tokens
// (cache_read_input_tokens, cache_creation_input_tokens). The SDK writes
// gen_ai.usage.input_tokens as their sum, as the GenAI conventions define
// it, and the two cache counts as gen_ai.usage.cache_read.input_tokens and
// gen_ai.usage.cache_write.input_tokens. So Mindlytics' prompt_tokens
// include cached tokens, and its turn and usage events carry the two cache
// counts apart, as cached_tokens and cache_write_tokens (0 when the API
// reports 0); do not add them to prompt_tokens again. A call that failed
// or was cut short (status Error) is never a turn: only usage of the
// tokens it reported, and nothing when it reported none.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable (and over the
// SDK's ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE). Turned off, no
// message text leaves the process, and Mindlytics gets only usage events
// (model and tokens of each call): no turns, no user or assistant text.
// WithRedactor rewrites texts before they go on a span instead; the SDK has
// no hook for it, so the helper wraps the TracerProvider it gives the SDK.
//
// # Environment
//
// The SDK reads ANTHROPIC_OPEN_TELEMETRY ("false" turns its spans off) and
// ANTHROPIC_OPEN_TELEMETRY_PROPAGATION ("false" stops trace-context
// headers); the helper leaves both to it.
package anthropichelper
