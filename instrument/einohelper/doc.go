// Package einohelper traces the chat model and tool runs of CloudWeGo's
// eino (github.com/cloudwego/eino: graphs, chains, ReAct and other agents)
// as OpenTelemetry spans that follow the GenAI semantic conventions, so
// that Mindlytics (through mindlytics-otel's exporter) sees each
// conversation's turns, token usage and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/einohelper.
//
// One callbacks handler, for every run or per run:
//
//	callbacks.AppendGlobalHandlers(einohelper.NewHandler())
//	agent.Generate(ctx, msgs, agent.WithComposeOptions(compose.WithCallbacks(einohelper.NewHandler())))
//
// eino has no telemetry of its own; its callbacks hand the handler each
// component run's input and output. A chat model run becomes one span
// "chat {model}" (kind client) with the messages (tool calls, tool results,
// reasoning), the settings, the finish reason and the usage (cached and
// reasoning tokens included when the model reports them); the provider is
// the model implementation's type, lowercased (openai, ark, claude,
// ollama…). A tool run becomes one span "{tool}" (gen_ai.operation.name
// execute_tool) with its arguments and result: a Mindlytics function.
// Graphs, chains, lambdas and templates make no span: they are wrappers
// whose usage is their model calls'. A model component with no callbacks
// of its own reports only its messages through its graph node, no model
// name: WithModel names it, since Mindlytics needs a model to count usage.
//
// A streamed output is read from the handler's own copy of the stream, on
// a goroutine of the handler's, so the caller reads its copy undisturbed;
// the span ends at the stream's end with the whole message and the last
// chunk's usage, or, when the run's context ends first, cancelled (no
// turn). Spans are children of the span in the run's context: run the
// agent with the context of the user's turn (package instrument puts the
// session there).
//
// Use the handler or an HTTP-level helper (openaihelper…) under eino's
// model, not both: each would count the call.
//
// eino v0.7.36 requires github.com/bytedance/sonic v1.14.1, which does not
// build with Go 1.26; this module requires sonic v1.15.5, which does.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable; WithRedactor
// rewrites texts before they go on a span instead.
package einohelper
