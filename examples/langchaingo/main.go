// Command langchaingo shows the langchaingo helper: a langchaingo agent
// run on a question becomes one Mindlytics turn (the question and the
// agent's answer), one function event for its tool call and the usage of
// each of its two model calls. It runs offline,
// against a fake OpenAI and a local Mindlytics (package mindlyticstest), or
// the one MLSDK_SERVER_BASE, MLSDK_API_KEY and MLSDK_PROJECT_ID name (make
// dev's, say, to watch it on its page).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/callbacks"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/tools"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/fakeopenai"
	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func main() {
	if _, err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run answers one user question with a tool and prints the events that
// reached Mindlytics.
func run(ctx context.Context, w io.Writer) ([]mindlytics.Event, error) {
	provider := fakeopenai.New()
	defer provider.Close()
	// A local Mindlytics, or the one MLSDK_SERVER_BASE names (make dev's).
	exp, ml, err := local.Exporter(ctx, w)
	if err != nil {
		return nil, err
	}
	if ml != nil {
		defer ml.Close()
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))

	// The handler goes to the model, the agent, the executor and the tool.
	h := langchaingohelper.NewHandler(langchaingohelper.WithTracerProvider(tp),
		langchaingohelper.WithModel("gpt-4o"), langchaingohelper.WithAgentName("weather-bot"))
	llm, err := openai.New(openai.WithBaseURL(provider.URL+"/v1"), openai.WithToken("sk-example"),
		openai.WithModel("gpt-4o"), openai.WithCallback(h))
	if err != nil {
		return nil, err
	}
	agent := agents.NewOpenAIFunctionsAgent(llm, []tools.Tool{weather{h}}, agents.WithCallbacksHandler(h))
	exec := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))

	// The turn: package instrument does this for you; here by hand, so that
	// the example needs nothing else.
	ctx, turn := tp.Tracer("example").Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		sc.SessionID("session-1"), sc.UserID("user-1"), sc.ConversationID("conversation-1"),
		sc.OperationName(sc.GenAIOperationInvokeAgent)))
	answer, err := chains.Run(ctx, exec, "What's the weather in Paris?")
	turn.End()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "assistant:", answer)

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(sctx); err != nil { // delivers everything
		return nil, err
	}
	if ml == nil {
		fmt.Fprintln(w, "delivered: session-1 is on that Mindlytics's page")
		return nil, nil
	}
	events := ml.SessionEvents("session-1")
	for _, ev := range events {
		fmt.Fprintf(w, "%-28s %v\n", ev.Kind(), ev.Properties)
	}
	return events, nil
}

// weather is the tool; it reports its start and end to the handler, as
// langchaingo's own tools do.
type weather struct{ h callbacks.Handler }

func (weather) Name() string        { return "get_weather" }
func (weather) Description() string { return "Get the weather of a city" }

func (w weather) Call(ctx context.Context, input string) (string, error) {
	w.h.HandleToolStart(ctx, input)
	result := "rainy, 14°C"
	w.h.HandleToolEnd(ctx, result)
	return result, nil
}
