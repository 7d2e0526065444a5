// Package ollamahelper traces the calls of Ollama's Go client
// (github.com/ollama/ollama/api) as OpenTelemetry spans that follow the
// GenAI semantic conventions, so that Mindlytics (through mindlytics-otel's
// exporter) sees each conversation's turns, token usage and tool calls. Its
// import path is github.com/mindlytics/mindlytics-otel/instrument/ollamahelper.
//
// One setting, the client's HTTP client:
//
//	client := api.NewClient(baseURL, ollamahelper.HTTPClient())
//
// NewTransport wraps a transport of your own instead. (api.ClientFromEnvironment
// uses http.DefaultClient: build the client with api.NewClient to trace it.)
//
// Every Chat and Generate call, streamed (Ollama's default, NDJSON) or not,
// becomes one span "chat {model}" (kind client, gen_ai.provider.name
// ollama), a child of the span in the call's context: call the model with
// the context of the user's turn (package instrument puts the session
// there) and the span joins that session. The span carries the model, the
// token counts of the last line (prompt_eval_count, eval_count: Ollama
// reports no cached or reasoning counts), the finish reason (a stop with
// tool calls is tool_call), errors and, unless content capture is off, the
// input and output messages (tool calls, tool results, thinking as
// reasoning) and the system prompt. Streams are read as they pass, without
// changing a byte the client reads; a stream the caller stops (its
// callback returns an error) or whose context ends still ends its span
// (finish reason and error.type "cancelled"). The client does not retry,
// so a request is a logical call.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable; WithRedactor
// rewrites texts before they go on a span instead. Images are never
// captured.
package ollamahelper
