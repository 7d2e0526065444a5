// Command eino shows the eino helper: a ReAct agent whose model calls and
// tool call, run with the context of the user's turn, become one
// Mindlytics turn with its usage, one function event and the usage of the
// call that asked for the tool. It runs offline against a fake chat model
// and a local Mindlytics, or the one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/components/tool/utils"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/einohelper"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
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
	tp := mindlytics.TracerProvider()
	handler := einohelper.NewHandler(einohelper.WithTracerProvider(tp), einohelper.WithModel("gpt-4o")) // the helper's one line

	weather, err := utils.InferTool("get_weather", "Get the weather of a city", func(_ context.Context, in weatherIn) (string, error) {
		return "rainy in " + in.Location + ", 14°C", nil
	})
	if err != nil {
		return err
	}
	bot, err := react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: fakeModel{},
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{weather}},
	})
	if err != nil {
		return err
	}

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "eino-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	// The user's turn: an agent span around the run, in the session; the
	// model call that answers it is the turn, the others its usage.
	ctx, turn := tp.Tracer("example").Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationInvokeAgent)))
	answer, err := bot.Generate(ctx, []*schema.Message{schema.UserMessage(question)},
		agent.WithComposeOptions(compose.WithCallbacks(handler)))
	turn.End()
	if err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := mindlytics.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "user: %s\nassistant: %s\nsession %s sent; errors: %v\n", question, answer.Content, session.ID(), session.Errors())
	return nil
}
