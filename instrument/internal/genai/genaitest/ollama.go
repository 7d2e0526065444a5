package genaitest

// Ollama answers (/api/chat, as Ollama's API reference shows them): 82
// prompt tokens and 17 output tokens; Ollama reports no cached or
// reasoning counts.

// OllamaNDJSON is the content type of Ollama's streams.
const OllamaNDJSON = "application/x-ndjson"

// OllamaChatText answers "The weather in Paris is rainy, 57°F." whole
// (stream false).
const OllamaChatText = `{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":"The weather in Paris is rainy, 57°F."},"done":true,"done_reason":"stop","total_duration":500000000,"prompt_eval_count":82,"eval_count":17}`

// OllamaToolCall asks for get_weather in Paris, whole.
const OllamaToolCall = `{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"get_weather","arguments":{"location":"Paris"}}}]},"done":true,"done_reason":"stop","prompt_eval_count":60,"eval_count":8}`

// OllamaChatStream is OllamaChatText streamed: NDJSON lines, the last done
// with the counts.
var OllamaChatStream = []string{
	`{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":"The weather in Paris"},"done":false}` + "\n",
	`{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":" is rainy,"},"done":false}` + "\n",
	`{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":" 57°F."},"done":false}` + "\n",
	`{"model":"llama3.2","created_at":"2026-12-05T10:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":82,"eval_count":17}` + "\n",
}

// OllamaError is Ollama's answer to an unknown model (status 404).
const OllamaError = `{"error":"model \"nope\" not found, try pulling it first"}`
