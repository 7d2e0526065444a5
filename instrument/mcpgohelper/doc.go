// Package mcpgohelper traces the tool calls of github.com/mark3labs/mcp-go
// as OpenTelemetry spans that follow the GenAI and MCP semantic
// conventions, so that Mindlytics (through mindlytics-otel's exporter)
// makes each call one Conversation Function: the tool's name, its
// arguments, its result, its runtime and, when it failed, its error. Its
// import path is github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper.
//
// On the calling side (the agent), wrap the client once:
//
//	traced := mcpgohelper.WrapClient(c) // c: *client.Client or any client.MCPClient
//
// mcp-go has no client middleware, and its tracing option
// (client.WithTracer) names the method but not the tool, so the helper
// wraps the client.MCPClient interface: CallTool is traced, every other
// method is the wrapped client's. Every call becomes one span
// "tools/call {tool}" (kind client, gen_ai.operation.name execute_tool), a
// child of the span in the call's context: call the tool with the context
// of the user's turn (package instrument puts the session there) and the
// function lands in that session and conversation. mcp-go's multi round
// trips of one call stay one span. A tool that answers with isError, a call
// the server refuses, and a call whose context ends all end the span failed.
//
// The request's _meta carries the call's W3C trace context and baggage
// (traceparent, tracestate, baggage), on every transport, stdio included.
// On the serving side, one option:
//
//	server.NewMCPServer(name, version, server.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware()))
//
// Every tool call runs in a span "tools/call {tool}" (kind server) that
// continues the caller's trace; with package instrument's span processor on
// the server's TracerProvider, the spans of the tool's own work carry the
// caller's session, user and conversation. Nothing counts twice when both
// sides export: the caller's helper marks the request (_meta
// "ai.mindlytics/function-recorded"), and the server's span of a marked
// call is not a function; a call from a client without this helper (or
// from another SDK's client without its helper) is counted by the server.
// The two MCP helpers (this one and mcphelper, for the official SDK) mark
// and read the same keys, so a client of one SDK and a server of the other
// work together.
//
// # Content
//
// Arguments and results are content: on by default.
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false turns them off,
// WithCaptureContent wins over the variable, and WithRedactor (role
// "tool") rewrites them. Only text results are kept (text contents, else
// the structured content as JSON).
package mcpgohelper
