// Command goopenai shows the go-openai helper: a weather agent whose model
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

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/fakeopenai"
	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
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

	cfg := openai.DefaultConfig("sk-example")
	cfg.BaseURL = provider.URL + "/v1"
	cfg.HTTPClient = goopenaihelper.HTTPClient(goopenaihelper.WithTracerProvider(tp)) // the one line the helper asks for
	client := openai.NewClientWithConfig(cfg)

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
func agent(ctx context.Context, client *openai.Client, tracer trace.Tracer, question string) (string, error) {
	req := openai.ChatCompletionRequest{
		Model:    openai.GPT4o,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: question}},
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: "get_weather", Parameters: jsonschema.Definition{Type: jsonschema.Object}}}},
	}
	for range 3 {
		res, err := client.CreateChatCompletion(ctx, req)
		if err != nil {
			return "", err
		}
		msg := res.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		req.Messages = append(req.Messages, msg)
		for _, call := range msg.ToolCalls {
			req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool,
				Content: getWeather(ctx, tracer, call.Function.Name, call.Function.Arguments), ToolCallID: call.ID})
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
