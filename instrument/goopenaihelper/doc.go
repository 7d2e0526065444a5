// Package goopenaihelper traces the calls of github.com/sashabaranov/go-openai
// as OpenTelemetry spans that follow the GenAI semantic conventions, so that
// Mindlytics (through mindlytics-otel's exporter) sees each conversation's
// turns, token usage and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper.
//
// One setting, no code beyond it:
//
//	cfg := openai.DefaultConfig(apiKey)
//	cfg.HTTPClient = goopenaihelper.HTTPClient()
//	client := openai.NewClientWithConfig(cfg)
//
// NewTransport wraps a transport of your own instead.
//
// Every Chat Completions and Responses call, streamed or not, becomes one
// span "chat {model}" (kind client), a child of the span in the call's
// context: call the client with the context of the user's turn (package
// instrument puts the session there) and the span joins that session. A call
// made with another context (context.Background()) becomes a one-turn
// session of its own, said once to the exporter's error handler
// (exporter.ErrorNoSession). The span carries the model, token usage (with
// cached and reasoning tokens), finish reasons, the response id, errors
// (error.type and status), and, unless content capture is off, the input and
// output messages and system instructions as GenAI message JSON. Streams are
// read as they pass, without changing a byte the caller reads; the
// usage-only last chunk is kept when the request asked for it
// (stream_options.include_usage: the helper never changes the request); tool
// calls are reassembled from their fragments; a stream closed before its
// end, or whose context ends, still ends its span (finish reason and
// error.type "cancelled"). A stream that did not ask for usage reports no
// token counts: its turn reaches Mindlytics with the model and no counts
// (never zeros, which would price it at nothing). Ask for them with
//
//	StreamOptions: &openai.StreamOptions{IncludeUsage: true}
//
// Mindlytics makes a turn or a usage event of each call, with
// prompt_tokens (cached tokens included, as the GenAI conventions count
// them), completion_tokens and, when the call reports them, cached_tokens
// and reasoning_tokens. A call that failed or was cut short (status Error)
// is never a turn: only usage of the tokens it reported, and nothing when
// it reported none. A call started inside a turn span (package
// instrument's, mindlytics.event=turn) is that turn's usage.
//
// Under langchaingo (openai.WithHTTPClient) with instrument/langchaingohelper's
// handler as well, each call still counts once: the transport's span
// becomes a child of the handler's model span, and Mindlytics merges them.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable. Turned off,
// no message text leaves the process, and Mindlytics gets only usage
// events (model and tokens of each call): no turns, no user or assistant
// text. WithRedactor rewrites texts before they go on a span instead.
package goopenaihelper
