package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// fakeAnthropic stands in for api.anthropic.com so that the example runs
// offline: it asks for the weather tool until the request carries the
// tool's result, then answers.
func fakeAnthropic() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(string(body), `"tool_result"`) {
			_, _ = io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
"content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}}],
"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":60,"output_tokens":15}}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
"content":[{"type":"text","text":"It is rainy in Paris, 14°C."}],"stop_reason":"end_turn","stop_sequence":null,
"usage":{"input_tokens":20,"cache_read_input_tokens":62,"cache_creation_input_tokens":0,"output_tokens":12}}`)
	}))
}
