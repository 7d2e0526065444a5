package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// fakeGemini stands in for the Gemini API so that the example runs
// offline: it asks for the weather tool until the request carries the
// tool's response, then answers.
func fakeGemini() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(string(body), `"functionResponse"`) {
			_, _ = io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},
"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":8},"modelVersion":"gemini-2.5-flash"}`)
			return
		}
		_, _ = io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":"It is rainy in Paris, 14°C."}]},
"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":82,"cachedContentTokenCount":62,"candidatesTokenCount":9,
"thoughtsTokenCount":3},"modelVersion":"gemini-2.5-flash"}`)
	}))
}
