package genaitest

import (
	"net/http"
	"strings"
)

// The bodies below follow the examples of OpenAI's API reference (Chat
// Completions, Responses, streaming events, errors), with the usage details
// (cached and reasoning tokens) that the helpers must read.

// ChatText is a chat completion answering "The weather in Paris is rainy, 57°F."
// with 82 prompt tokens (16 cached) and 17 completion tokens (5 reasoning).
const ChatText = `{
  "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
  "object": "chat.completion",
  "created": 1741570283,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "The weather in Paris is rainy, 57°F.",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 82,
    "completion_tokens": 17,
    "total_tokens": 99,
    "prompt_tokens_details": {"cached_tokens": 16, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 5, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
  },
  "service_tier": "default",
  "system_fingerprint": "fp_fc9f1d7035"
}`

// ChatToolCall is a chat completion that asks for get_weather({"location":"Paris"}).
const ChatToolCall = `{
  "id": "chatcmpl-abc123",
  "object": "chat.completion",
  "created": 1699896916,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {
            "id": "call_VSPygqKTWdrhaFErNvMV18Yl",
            "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"location\":\"Paris\"}"}
          }
        ]
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }
  ],
  "usage": {
    "prompt_tokens": 60,
    "completion_tokens": 15,
    "total_tokens": 75,
    "prompt_tokens_details": {"cached_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0}
  },
  "system_fingerprint": "fp_fc9f1d7035"
}`

// sse frames one data line.
func sse(data string) string { return "data: " + data + "\n\n" }

// ChatTextStream streams "The weather in Paris is rainy." in chunks, then
// the usage-only chunk (empty choices) that include_usage asks for, then
// [DONE].
var ChatTextStream = []string{
	sse(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"The weather"},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" in Paris is rainy."},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`),
	sse(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":7,"total_tokens":47,"prompt_tokens_details":{"cached_tokens":8},"completion_tokens_details":{"reasoning_tokens":2}}}`),
	"data: [DONE]\n\n",
}

// ChatToolCallStream streams a get_weather call whose arguments come in
// fragments, then usage and [DONE].
var ChatToolCallStream = []string{
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"lo"}}]},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\":\"Pa"}}]},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}`),
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}`),
	sse(`{"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":55,"completion_tokens":16,"total_tokens":71,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`),
	"data: [DONE]\n\n",
}

// ResponsesText is a Responses API object answering "Paris is rainy today."
// with 36 input tokens (12 cached) and 87 output tokens (64 reasoning).
const ResponsesText = `{
  "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
  "object": "response",
  "created_at": 1741476542,
  "status": "completed",
  "error": null,
  "incomplete_details": null,
  "instructions": "You are a weather bot.",
  "model": "gpt-4.1-2025-04-14",
  "output": [
    {"id": "rs_1", "type": "reasoning", "summary": []},
    {
      "type": "message",
      "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
      "status": "completed",
      "role": "assistant",
      "content": [{"type": "output_text", "text": "Paris is rainy today.", "annotations": []}]
    }
  ],
  "parallel_tool_calls": true,
  "service_tier": "default",
  "usage": {
    "input_tokens": 36,
    "input_tokens_details": {"cached_tokens": 12},
    "output_tokens": 87,
    "output_tokens_details": {"reasoning_tokens": 64},
    "total_tokens": 123
  }
}`

// ResponsesFunctionCall is a Responses API object that calls get_weather.
const ResponsesFunctionCall = `{
  "id": "resp_fc_1",
  "object": "response",
  "created_at": 1741294021,
  "status": "completed",
  "model": "gpt-4.1-2025-04-14",
  "output": [
    {
      "type": "function_call",
      "id": "fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0",
      "call_id": "call_unLAR8MvFNptuiZK6K6HCy5k",
      "name": "get_weather",
      "arguments": "{\"location\":\"Paris\"}",
      "status": "completed"
    }
  ],
  "usage": {"input_tokens": 291, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 23, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 314}
}`

// event frames one Responses stream event.
func event(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }

// ResponsesTextStream streams "Paris is rainy." and ends with
// response.completed carrying usage.
var ResponsesTextStream = []string{
	event("response.created", `{"type":"response.created","sequence_number":0,"response":{"id":"resp_stream_1","object":"response","created_at":1741290958,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}}`),
	event("response.in_progress", `{"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_stream_1","object":"response","created_at":1741290958,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}}`),
	event("response.output_item.added", `{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}`),
	event("response.content_part.added", `{"type":"response.content_part.added","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}`),
	event("response.output_text.delta", `{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Paris is"}`),
	event("response.output_text.delta", `{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":" rainy."}`),
	event("response.output_text.done", `{"type":"response.output_text.done","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Paris is rainy."}`),
	event("response.output_item.done", `{"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Paris is rainy.","annotations":[]}]}}`),
	event("response.completed", `{"type":"response.completed","sequence_number":8,"response":{"id":"resp_stream_1","object":"response","created_at":1741290958,"status":"completed","model":"gpt-4.1-2025-04-14","output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Paris is rainy.","annotations":[]}]}],"usage":{"input_tokens":37,"input_tokens_details":{"cached_tokens":0},"output_tokens":11,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":48}}}`),
}

// ResponsesFunctionCallStream streams a get_weather call, arguments in
// fragments, and ends with response.completed.
var ResponsesFunctionCallStream = []string{
	event("response.created", `{"type":"response.created","sequence_number":0,"response":{"id":"resp_stream_fc","object":"response","status":"in_progress","model":"gpt-4.1-2025-04-14","output":[]}}`),
	event("response.output_item.added", `{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_stream_1","name":"get_weather"}}`),
	event("response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","sequence_number":2,"item_id":"fc_1","output_index":0,"delta":"{\"location\":"}`),
	event("response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","sequence_number":3,"item_id":"fc_1","output_index":0,"delta":"\"Paris\"}"}`),
	event("response.function_call_arguments.done", `{"type":"response.function_call_arguments.done","sequence_number":4,"item_id":"fc_1","output_index":0,"arguments":"{\"location\":\"Paris\"}"}`),
	event("response.output_item.done", `{"type":"response.output_item.done","sequence_number":5,"output_index":0,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris\"}","call_id":"call_stream_1","name":"get_weather"}}`),
	event("response.completed", `{"type":"response.completed","sequence_number":6,"response":{"id":"resp_stream_fc","object":"response","status":"completed","model":"gpt-4.1-2025-04-14","output":[{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris\"}","call_id":"call_stream_1","name":"get_weather"}],"usage":{"input_tokens":57,"input_tokens_details":{"cached_tokens":0},"output_tokens":18,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":75}}}`),
}

// Error bodies of OpenAI's error reference.
const (
	RateLimitBody  = `{"error":{"message":"Rate limit reached for gpt-4o in organization org-123 on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`
	BadRequestBody = `{"error":{"message":"Invalid value for 'temperature': expected a number between 0 and 2.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}`
	ServerError    = `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`
)

// RateLimited is a 429 that asks for a retry after 10 ms.
func RateLimited() Reply {
	return Reply{Status: http.StatusTooManyRequests, Body: RateLimitBody,
		Header: http.Header{"Retry-After-Ms": {"10"}, "Retry-After": {"0"}}}
}

// Joined returns the events of a stream as the bytes on the wire.
func Joined(events []string) string { return strings.Join(events, "") }
