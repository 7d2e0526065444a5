package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// fakeOllama stands in for a local Ollama so that the example runs without
// one: it asks for the weather tool until the request carries the tool's
// result, then streams its answer as Ollama does (NDJSON).
func fakeOllama() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/x-ndjson")
		if !strings.Contains(string(body), `"role":"tool"`) {
			_, _ = io.WriteString(w, `{"model":"llama3.2","message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"get_weather","arguments":{"location":"Paris"}}}]},"done":false}`+"\n")
			_, _ = io.WriteString(w, `{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":60,"eval_count":8}`+"\n")
			return
		}
		for _, piece := range []string{"It is rainy", " in Paris, 14°C."} {
			_, _ = io.WriteString(w, `{"model":"llama3.2","message":{"role":"assistant","content":"`+piece+`"},"done":false}`+"\n")
			w.(http.Flusher).Flush()
		}
		_, _ = io.WriteString(w, `{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":82,"eval_count":9}`+"\n")
	}))
}
