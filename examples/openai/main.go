// Command openai shows the openai-go helper: a weather agent whose model
// calls and tool call become one Mindlytics turn, one function event and the
// usage of the call that asked for the tool. It runs offline, against a fake
// OpenAI and a local Mindlytics (package mindlyticstest), or the one
// MLSDK_SERVER_BASE, MLSDK_API_KEY and MLSDK_PROJECT_ID name (make dev's,
// say, to watch it on its page).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/fakeopenai"
	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
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

	// The one line the helper asks for.
	client := openai.NewClient(option.WithBaseURL(provider.URL), option.WithAPIKey("sk-example"),
		openaihelper.RequestOption(openaihelper.WithTracerProvider(tp)))

	// The turn: package instrument does this for you; here by hand, so that
	// the example needs nothing else.
	ctx, turn := tp.Tracer("example").Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		sc.SessionID("session-1"), sc.UserID("user-1"), sc.ConversationID("conversation-1"),
		sc.OperationName(sc.GenAIOperationInvokeAgent)))
	answer, err := agent(ctx, client, tp.Tracer("example"), "What's the weather in Paris?")
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

// agent asks the model, runs the tool it asks for, and asks again.
func agent(ctx context.Context, client openai.Client, tracer trace.Tracer, question string) (string, error) {
	params := openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(question)},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name: "get_weather", Parameters: shared.FunctionParameters{"type": "object"}})},
	}
	for range 3 {
		c, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			return "", err
		}
		msg := c.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		params.Messages = append(params.Messages, msg.ToParam())
		for _, call := range msg.ToolCalls {
			params.Messages = append(params.Messages, openai.ToolMessage(getWeather(ctx, tracer, call.Function.Name, call.Function.Arguments), call.ID))
		}
	}
	return "", fmt.Errorf("no answer after 3 calls")
}

// getWeather is the tool, in its execute_tool span.
func getWeather(ctx context.Context, tracer trace.Tracer, name, args string) string {
	_, span := tracer.Start(ctx, sc.ExecuteToolSpanName(name), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName(name), sc.ToolCallArguments(args)))
	defer span.End()
	result := "rainy, 14°C"
	span.SetAttributes(sc.ToolCallResult(result))
	return result
}
