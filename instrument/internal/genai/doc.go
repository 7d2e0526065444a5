// Package genai is what the LLM-client helpers (instrument/*helper) share:
// it makes the OTel GenAI spans of a model call from the request and
// response bodies the helpers see on the wire (OpenAI's Chat Completions
// and Responses, Gemini's generateContent, Ollama's chat and generate,
// Bedrock's Converse, ConverseStream and InvokeModel), or from a library's
// own values (Message, Part, Request, Response, for eino and Genkit), with
// message content, token usage, tool calls and finish reasons, and ends
// each span once, whatever way the call ends (an answer, an error, a
// stream abandoned or cancelled). Streams are read as they pass, as
// server-sent events, NDJSON or AWS's event stream. It also makes the spans
// of tool calls (tool.go) and carries their trace context and baggage in an
// MCP request's _meta (toolmeta.go), for the MCP helpers. The helpers
// differ only in where they hook into their library.
package genai
