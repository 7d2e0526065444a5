// Command gemini shows the Gemini helper: a weather agent on
// google.golang.org/genai whose model calls and tool call, inside one
// started turn, become one Mindlytics turn with the calls' usage and one
// function event. It runs offline against a fake Gemini API and a local
// Mindlytics, or the one MLSDK_* names.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"google.golang.org/genai"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/geminihelper"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	provider := fakeGemini()
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

	client, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey: "gemini-example-key", Backend: genai.BackendGeminiAPI,
		HTTPClient:  geminihelper.HTTPClient(geminihelper.WithTracerProvider(mindlytics.TracerProvider())), // the helper's one line
		HTTPOptions: genai.HTTPOptions{BaseURL: provider.URL},
	})
	if err != nil {
		return err
	}

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "gemini-session", UserID: "user-1"})
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

// agent asks the model, runs the tool it asks for, and asks again.
func agent(ctx context.Context, client *genai.Client, session *instrument.Session, question string) (string, error) {
	config := &genai.GenerateContentConfig{Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
		Name: "get_weather", Parameters: &genai.Schema{Type: genai.TypeObject,
			Properties: map[string]*genai.Schema{"location": {Type: genai.TypeString}}},
	}}}}}
	history := genai.Text(question)
	for range 3 {
		res, err := client.Models.GenerateContent(ctx, "gemini-2.5-flash", history, config)
		if err != nil {
			return "", err
		}
		calls := res.FunctionCalls()
		if len(calls) == 0 {
			return res.Text(), nil
		}
		history = append(history, res.Candidates[0].Content)
		for _, call := range calls {
			args, _ := json.Marshal(call.Args)
			_, fn, err := session.StartFunction(ctx, call.Name, string(args))
			if err != nil {
				return "", err
			}
			result := "rainy, 14°C"
			fn.End(result, nil)
			history = append(history, genai.NewContentFromFunctionResponse(call.Name, map[string]any{"output": result}, genai.RoleUser))
		}
	}
	return "", fmt.Errorf("no answer after 3 calls")
}
