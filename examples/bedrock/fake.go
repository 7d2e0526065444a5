package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// fakeBedrock stands in for Bedrock's runtime endpoint so that the example
// runs offline: Converse asks for the weather tool until the request
// carries the tool's result, then answers.
func fakeBedrock() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(string(body), `"toolResult"`) {
			_, _ = io.WriteString(w, `{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"location":"Paris"}}}]}},
"stopReason":"tool_use","usage":{"inputTokens":60,"outputTokens":8,"totalTokens":68}}`)
			return
		}
		_, _ = io.WriteString(w, `{"output":{"message":{"role":"assistant","content":[{"text":"It is rainy in Paris, 14°C."}]}},
"stopReason":"end_turn","usage":{"inputTokens":20,"cacheReadInputTokens":62,"outputTokens":9,"totalTokens":91}}`)
	}))
}
