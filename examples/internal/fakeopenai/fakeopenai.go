package fakeopenai

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// New stands in for api.openai.com so that the example runs offline:
// it asks for the weather tool until the request carries the tool's
// result, then answers.
func New() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(string(body), `"role":"tool"`) {
			_, _ = io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
"function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
"usage":{"prompt_tokens":60,"completion_tokens":15,"total_tokens":75}}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"chatcmpl-2","object":"chat.completion","model":"gpt-4o-2024-08-06",
"choices":[{"index":0,"message":{"role":"assistant","content":"It is rainy in Paris, 14°C."},"finish_reason":"stop"}],
"usage":{"prompt_tokens":82,"completion_tokens":12,"total_tokens":94,"prompt_tokens_details":{"cached_tokens":16}}}`)
	}))
}
