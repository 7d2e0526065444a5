// Command genkit shows the Genkit helper: a Genkit generate call whose
// model asks for a tool, inside one started turn, becomes Mindlytics usage
// events for its model calls and a function event for the tool, read from
// Genkit's own spans. It runs offline against a fake model defined in
// Genkit and a local Mindlytics, or the one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/genkithelper"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

type weatherIn struct {
	Location string `json:"location"`
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	mindlytics, err := instrument.New(ctx, opts...)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = mindlytics.Shutdown(ctx)
	}()
	if err := genkithelper.Register(mindlytics.TracerProvider()); err != nil { // the helper's one line
		return err
	}

	g := genkit.Init(ctx)
	model := genkit.DefineModel(g, "fake/weather-model", &ai.ModelOptions{Supports: &ai.ModelSupports{Tools: true, Multiturn: true}}, fakeModel)
	weather := genkit.DefineTool(g, "get_weather", "Get the weather of a city", func(_ *ai.ToolContext, in weatherIn) (string, error) {
		return "rainy in " + in.Location + ", 14°C", nil
	})

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "genkit-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	ctx, turn, err := session.StartTurn(ctx, question)
	if err != nil {
		return err
	}
	res, err := genkit.Generate(ctx, g, ai.WithModel(model), ai.WithPrompt(question), ai.WithTools(weather))
	if err != nil {
		return err
	}
	if err := turn.End(instrument.Turn{Assistant: res.Text()}); err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := mindlytics.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "user: %s\nassistant: %s\nsession %s sent; errors: %v\n", question, res.Text(), session.ID(), session.Errors())
	return nil
}

// fakeModel stands in for a model plugin (googleai, openai…) so that the
// example runs offline: it asks for the weather tool until the request
// carries the tool's result, then answers.
func fakeModel(_ context.Context, req *ai.ModelRequest, _ ai.ModelStreamCallback) (*ai.ModelResponse, error) {
	for _, msg := range req.Messages {
		for _, part := range msg.Content {
			if part.IsToolResponse() {
				return &ai.ModelResponse{Message: ai.NewModelTextMessage("It is rainy in Paris, 14°C."), FinishReason: ai.FinishReasonStop,
					Usage: &ai.GenerationUsage{InputTokens: 82, OutputTokens: 6, CachedContentTokens: 62, ThoughtsTokens: 3}}, nil
			}
		}
	}
	return &ai.ModelResponse{Message: &ai.Message{Role: ai.RoleModel, Content: []*ai.Part{ai.NewToolRequestPart(&ai.ToolRequest{
		Name: "get_weather", Ref: "call_1", Input: map[string]any{"location": "Paris"}})}},
		FinishReason: ai.FinishReasonStop, Usage: &ai.GenerationUsage{InputTokens: 60, OutputTokens: 8}}, nil
}
