// Command chatbot is a chat HTTP server: the middleware takes the session
// from the request headers (X-Session-ID, X-User-ID, X-Conversation-ID), and
// the handler's turn, with the model call made inside it by the "LLM
// client", lands in that session. run also plays the user, sending two
// messages, so that the example ends by itself.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

// bot answers a message; fakeLLM stands for an instrumented LLM client
// making its own span.
type bot struct{ tracer trace.Tracer }

func (b bot) fakeLLM(ctx context.Context, prompt string) string {
	_, span := b.tracer.Start(ctx, sc.ChatSpanName("gpt-4o-mini"), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o-mini")))
	defer span.End()
	span.SetAttributes(sc.InputTokens(len(prompt)), sc.OutputTokens(8))
	return "You said: " + prompt
}

func (b bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	session := instrument.SessionFromContext(r.Context())
	if session == nil {
		http.Error(w, "X-Session-ID and X-User-ID are required", http.StatusBadRequest)
		return
	}
	msg := r.FormValue("message")
	ctx, turn, err := session.StartTurn(r.Context(), msg)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer := b.fakeLLM(ctx, msg)
	if err := turn.End(instrument.Turn{Assistant: answer, AssistantID: "chatbot"}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, answer)
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	client, err := instrument.New(ctx, opts...)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Shutdown(ctx)
	}()

	handler := client.Middleware(instrument.Headers{})(bot{tracer: client.TracerProvider().Tracer("llm-client")})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Shutdown(context.Background()) }()

	for _, msg := range []string{"hello", "what's my balance?"} {
		answer, err := send(ctx, "http://"+ln.Addr().String(), msg)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "user: %s\nbot:  %s\n", msg, answer)
	}
	return client.Flush(ctx)
}

// send is the chat's front end posting one message.
func send(ctx context.Context, base, msg string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/chat",
		strings.NewReader(url.Values{"message": {msg}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Session-ID", "chat-session-1")
	req.Header.Set("X-User-ID", "chat-user-1")
	req.Header.Set("X-Conversation-ID", "chat-conv-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
