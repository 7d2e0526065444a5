package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// fakeLLM is an OpenAI-compatible chat completions endpoint on loopback
// with scripted answers: it asks for the lookup_order tool when a question
// names an order and the tool's result is not in the request yet, and
// streams its answer when the request asks for a stream.
type fakeLLM struct {
	URL string // base URL for openai-go, ending in /v1/
	srv *http.Server
	ln  net.Listener
}

// model is what the fake says it is: a dated gpt-4o, as the real API does.
const model = "gpt-4o-2024-08-06"

// answers are the assistant's replies by the user's question.
var answers = map[string]string{
	"Can I still change the delivery address?": "Yes, until it is out for delivery. I have sent you a link to update the address.",
	"Thanks, that's all!":                      "You're welcome! Have a great day.",
}

func startFakeLLM() (*fakeLLM, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake LLM: %w", err)
	}
	f := &fakeLLM{URL: "http://" + ln.Addr().String() + "/v1/", ln: ln}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve)}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fakeLLM) Close() { _ = f.srv.Close() }

type chatRequest struct {
	Stream   bool `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var question string
	toolDone := false
	for _, m := range req.Messages {
		switch m.Role {
		case "user":
			_ = json.Unmarshal(m.Content, &question)
			toolDone = false
		case "tool":
			toolDone = true
		}
	}
	prompt := 20 + len(body)/16 // a plausible, deterministic token count
	switch {
	case strings.Contains(question, "order #") && !toolDone:
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"id":"chatcmpl-tool","object":"chat.completion","model":%q,
"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
"function":{"name":"lookup_order","arguments":"{\"order\":\"1234\"}"}}]},"finish_reason":"tool_calls"}],
"usage":{"prompt_tokens":%d,"completion_tokens":18,"total_tokens":%d}}`, model, prompt, prompt+18)
	case req.Stream:
		f.stream(w, answerTo(question, toolDone), prompt)
	default:
		a := answerTo(question, toolDone)
		out := len(strings.Fields(a)) + 2
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"id":"chatcmpl-text","object":"chat.completion","model":%q,
"choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`, model, quote(a), prompt, out, prompt+out)
	}
}

func answerTo(question string, toolDone bool) string {
	if toolDone {
		return "Your order #1234 shipped yesterday and arrives on Friday."
	}
	if a, ok := answers[question]; ok {
		return a
	}
	return "I am a scripted demo assistant; I can tell you about order #1234."
}

// stream writes the answer as server-sent chunks, word by word, then the
// usage chunk that stream_options.include_usage asks for.
func (f *fakeLLM) stream(w http.ResponseWriter, answer string, prompt int) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl, _ := w.(http.Flusher)
	words := strings.SplitAfter(answer, " ")
	chunk := func(delta, finish string) {
		fin := "null"
		if finish != "" {
			fin = quote(finish)
		}
		_, _ = fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-stream\",\"object\":\"chat.completion.chunk\",\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{%s},\"finish_reason\":%s}]}\n\n", model, delta, fin)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk(`"role":"assistant","content":""`, "")
	for _, word := range words {
		chunk(`"content":`+quote(word), "")
	}
	chunk("", "stop")
	_, _ = fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-stream\",\"object\":\"chat.completion.chunk\",\"model\":%q,\"choices\":[],\"usage\":{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n", model, prompt, len(words)+1, prompt+len(words)+1)
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
