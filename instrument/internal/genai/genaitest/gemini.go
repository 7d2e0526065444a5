package genaitest

// Gemini answers (generateContent, REST JSON as Google's API reference
// shows it), with the usage details the helpers must read: 82 prompt
// tokens (16 cached), 12 candidate tokens and 5 thinking tokens, which the
// GenAI conventions count as 17 output tokens (5 reasoning).

// GeminiText answers "The weather in Paris is rainy, 57°F.".
const GeminiText = `{
  "candidates": [{"content": {"role": "model", "parts": [{"text": "The weather in Paris is rainy, 57°F."}]},
    "finishReason": "STOP", "index": 0}],
  "usageMetadata": {"promptTokenCount": 82, "candidatesTokenCount": 12, "totalTokenCount": 99,
    "cachedContentTokenCount": 16, "thoughtsTokenCount": 5},
  "modelVersion": "gemini-2.5-flash", "responseId": "resp-gemini-1"
}`

// GeminiToolCall asks for get_weather in Paris.
const GeminiToolCall = `{
  "candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"location": "Paris"}}}]},
    "finishReason": "STOP", "index": 0}],
  "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 8, "totalTokenCount": 68},
  "modelVersion": "gemini-2.5-flash", "responseId": "resp-gemini-0"
}`

// GeminiTextStream is GeminiText streamed (?alt=sse): three chunks, the
// last with the finish reason and the usage.
var GeminiTextStream = []string{
	"data: " + `{"candidates": [{"content": {"role": "model", "parts": [{"text": "The weather in Paris"}]}, "index": 0}], "modelVersion": "gemini-2.5-flash", "responseId": "resp-gemini-1"}` + "\r\n\r\n",
	"data: " + `{"candidates": [{"content": {"role": "model", "parts": [{"text": " is rainy,"}]}, "index": 0}], "modelVersion": "gemini-2.5-flash", "responseId": "resp-gemini-1"}` + "\r\n\r\n",
	"data: " + `{"candidates": [{"content": {"role": "model", "parts": [{"text": " 57°F."}]}, "finishReason": "STOP", "index": 0}], "usageMetadata": {"promptTokenCount": 82, "candidatesTokenCount": 12, "totalTokenCount": 99, "cachedContentTokenCount": 16, "thoughtsTokenCount": 5}, "modelVersion": "gemini-2.5-flash", "responseId": "resp-gemini-1"}` + "\r\n\r\n",
}

// GeminiError is Google's error answer to a bad request (status 400).
const GeminiError = `{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}`
