// Package genai is what the LLM-client helpers (instrument/*helper) share:
// it makes the OTel GenAI spans of a model call (chat, streamed or not, and
// the OpenAI Responses API) from the request and response bodies the
// helpers see on the wire, with message content, token usage, tool calls and
// finish reasons, and ends each span once, whatever way the call ends (an
// answer, an error, a stream abandoned or cancelled). The helpers differ only
// in where they hook into their client.
package genai
