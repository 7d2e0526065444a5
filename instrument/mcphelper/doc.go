// Package mcphelper traces the tool calls of the official MCP Go SDK
// (github.com/modelcontextprotocol/go-sdk) as OpenTelemetry spans that
// follow the GenAI and MCP semantic conventions, so that Mindlytics
// (through mindlytics-otel's exporter) makes each call one Conversation
// Function: the tool's name, its arguments, its result, its runtime and,
// when it failed, its error. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/mcphelper.
//
// On the calling side (the agent), one line:
//
//	client.AddSendingMiddleware(mcphelper.ClientMiddleware())
//
// Every tools/call becomes one span "tools/call {tool}" (kind client,
// gen_ai.operation.name execute_tool), a child of the span in the call's
// context: call the tool with the context of the user's turn (package
// instrument puts the session there) and the function lands in that
// session and conversation. A multi round-trip call (the server asks the
// client for input and the SDK retries it) stays one span. A tool that
// answers with isError, a call the server refuses, and a call whose
// context ends all end the span failed (error.type tool_error, the JSON-RPC
// error's type, or cancelled/timeout).
//
// The request's _meta carries the call's W3C trace context and baggage
// (traceparent, tracestate, baggage, as the MCP conventions say), so the
// serving side can join the caller's trace and session. On the serving
// side, one line:
//
//	server.AddReceivingMiddleware(mcphelper.ServerMiddleware())
//
// Every tools/call runs in a span "tools/call {tool}" (kind server) that
// continues the caller's trace; with package instrument's span processor
// on the server's TracerProvider (instrument.New has it;
// instrument.NewSpanProcessor for others), the spans of the tool's own work
// carry the caller's session, user and conversation, and a session the
// caller owns is not started again. Nothing counts twice when both sides
// export: the caller's helper marks the request (_meta
// "ai.mindlytics/function-recorded"), and the server's span of a marked
// call is not a function. A call from a client without this helper has no
// mark, and the server's span is the function.
//
// # Content
//
// Arguments and results are content: on by default, because a function
// event without them says little.
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false turns them off,
// WithCaptureContent wins over the variable, and WithRedactor (role
// "tool") rewrites them before they go on a span. Only text results are
// kept (text contents, else the structured content as JSON); images and
// audio are left out.
package mcphelper
