// Package geminihelper traces the generateContent calls of Google's Go SDK
// for Gemini (google.golang.org/genai, on the Gemini API and Vertex AI) as
// OpenTelemetry spans that follow the GenAI semantic conventions, so that
// Mindlytics (through mindlytics-otel's exporter) sees each conversation's
// turns, token usage and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/geminihelper.
//
// One setting, the SDK's HTTP client option:
//
//	client, err := genai.NewClient(ctx, &genai.ClientConfig{
//		APIKey: apiKey, Backend: genai.BackendGeminiAPI,
//		HTTPClient: geminihelper.HTTPClient(),
//	})
//
// NewTransport wraps a transport of your own instead (on Vertex AI, the
// authenticating client's transport).
//
// Every GenerateContent and GenerateContentStream call becomes one span
// "chat {model}" (kind client, gen_ai.provider.name gcp.gemini, or
// gcp.vertex_ai for a Vertex AI URL), a child of the span in the call's
// context: call the model with the context of the user's turn (package
// instrument puts the session there) and the span joins that session. The
// span carries the model version, token usage, finish reasons (a stop with
// function calls is tool_call; the safety stops content_filter), the
// response id, errors (error.type is Google's status, e.g.
// INVALID_ARGUMENT) and, unless content capture is off, the input and
// output messages (function calls and responses as tool call parts,
// thoughts as reasoning) and the system instruction. Usage follows the
// GenAI conventions: input tokens are Gemini's prompt tokens (cached ones
// included) plus its tool-use prompt tokens, output tokens its candidate
// tokens plus its thinking tokens, which also go to
// gen_ai.usage.reasoning.output_tokens; cached tokens to
// gen_ai.usage.cache_read.input_tokens. Streams (?alt=sse) are read as they
// pass, without changing a byte the SDK reads; the last chunk's usage is
// kept; a stream left before its end (breaking out of the range loop), or
// whose context ends, still ends its span (finish reason and error.type
// "cancelled"). The SDK retries only with HTTPOptions.RetryOptions set;
// then each attempt is a span of its own.
//
// Mindlytics makes a turn or a usage event of each call, as for the other
// helpers: a call that failed or was cut short is never a turn.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable; WithRedactor
// rewrites texts before they go on a span instead. Media parts (inline
// data, files) are never captured.
package geminihelper
