// Command anthropic shows the anthropic-sdk-go/v2 helper: a weather agent
// whose model calls and tool call become one Mindlytics turn, one function
// event and the usage of the call that asked for the tool. It runs offline,
// against a fake Anthropic API and a local Mindlytics (package
// mindlyticstest), or the one MLSDK_SERVER_BASE, MLSDK_API_KEY and
// MLSDK_PROJECT_ID name (make dev's, say, to watch it on its page).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
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
	provider := fakeAnthropic()
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

	// The one option set the helper asks for.
	opts := append([]option.RequestOption{option.WithBaseURL(provider.URL), option.WithAPIKey("sk-ant-example")},
		anthropichelper.Options(anthropichelper.WithTracerProvider(tp))...)
	client := anthropic.NewClient(opts...)

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
func agent(ctx context.Context, client anthropic.Client, tracer trace.Tracer, question string) (string, error) {
	params := anthropic.MessageNewParams{
		Model:     "claude-sonnet-4-5",
		MaxTokens: 1024,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(question))},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "get_weather",
			InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"location": map[string]any{"type": "string"}}}}}},
	}
	for range 3 {
		m, err := client.Messages.New(ctx, params)
		if err != nil {
			return "", err
		}
		if m.StopReason != anthropic.StopReasonToolUse {
			return m.Content[0].Text, nil
		}
		params.Messages = append(params.Messages, m.ToParam())
		var results []anthropic.ContentBlockParamUnion
		for _, b := range m.Content {
			if b.Type == "tool_use" {
				res := getWeather(ctx, tracer, b.Name, string(b.Input))
				results = append(results, anthropic.NewToolResultBlock(b.ID, res, false))
			}
		}
		params.Messages = append(params.Messages, anthropic.NewUserMessage(results...))
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
