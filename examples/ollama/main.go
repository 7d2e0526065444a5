// Command ollama shows the Ollama helper: a weather agent on Ollama's Go
// client whose streamed model calls and tool call, inside one started
// turn, become one Mindlytics turn with the calls' usage and one function
// event. It runs offline against a fake Ollama and a local Mindlytics, or
// the one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	provider := fakeOllama()
	defer provider.Close()
	mindlytics, err := instrument.New(ctx, opts...)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = mindlytics.Shutdown(ctx)
	}()

	base, err := url.Parse(provider.URL)
	if err != nil {
		return err
	}
	client := api.NewClient(base, ollamahelper.HTTPClient(ollamahelper.WithTracerProvider(mindlytics.TracerProvider()))) // the helper's one line

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "ollama-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	ctx, turn, err := session.StartTurn(ctx, question)
	if err != nil {
		return err
	}
	answer, err := agent(ctx, client, session, question)
	if err != nil {
		return err
	}
	if err := turn.End(instrument.Turn{Assistant: answer}); err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := mindlytics.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "user: %s\nassistant: %s\nsession %s sent; errors: %v\n", question, answer, session.ID(), session.Errors())
	return nil
}

// agent asks the model (streamed, Ollama's default), runs the tool it asks
// for, and asks again.
func agent(ctx context.Context, client *api.Client, session *instrument.Session, question string) (string, error) {
	req := &api.ChatRequest{Model: "llama3.2", Messages: []api.Message{{Role: "user", Content: question}}}
	for range 3 {
		var text strings.Builder
		var calls []api.ToolCall
		err := client.Chat(ctx, req, func(r api.ChatResponse) error {
			text.WriteString(r.Message.Content)
			calls = append(calls, r.Message.ToolCalls...)
			return nil
		})
		if err != nil {
			return "", err
		}
		if len(calls) == 0 {
			return text.String(), nil
		}
		req.Messages = append(req.Messages, api.Message{Role: "assistant", Content: text.String(), ToolCalls: calls})
		for _, call := range calls {
			_, fn, err := session.StartFunction(ctx, call.Function.Name, call.Function.Arguments.String())
			if err != nil {
				return "", err
			}
			result := "rainy, 14°C"
			fn.End(result, nil)
			req.Messages = append(req.Messages, api.Message{Role: "tool", ToolName: call.Function.Name, Content: result})
		}
	}
	return "", fmt.Errorf("no answer after 3 calls")
}
