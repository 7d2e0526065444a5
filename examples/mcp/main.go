// Command mcp shows the MCP helper: an agent calls a tool of an MCP server
// (the official Go SDK, over in-memory transports here; stdio or HTTP
// elsewhere) and the call becomes one Mindlytics function in the agent's
// session and conversation; the server's own work joins that session
// through the trace context and baggage in the request's _meta. It runs
// offline against a local Mindlytics, or the one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/mcphelper"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
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
	tp := client.TracerProvider()

	// The tool server: one line of the helper. In its own process it would
	// have its own instrument.Client (or instrument.NewSpanProcessor).
	server := weatherServer(tp.Tracer("weather-service"))
	server.AddReceivingMiddleware(mcphelper.ServerMiddleware(mcphelper.WithTracerProvider(tp)))
	// The agent's MCP client: one line of the helper.
	agent := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "v1"}, nil)
	agent.AddSendingMiddleware(mcphelper.ClientMiddleware(mcphelper.WithTracerProvider(tp)))

	st, ct := mcp.NewInMemoryTransports()
	ss, err := server.Connect(ctx, st, nil)
	if err != nil {
		return err
	}
	defer func() { _ = ss.Wait() }()
	cs, err := agent.Connect(ctx, ct, nil)
	if err != nil {
		return err
	}
	defer func() { _ = cs.Close() }()

	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{ID: "mcp-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	// A conversation started before the tool's work: the events of the
	// call then follow its start in time.
	if ctx, err = session.StartConversation(ctx, "weather-chat"); err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_weather", Arguments: map[string]any{"location": "Paris"}})
	if err != nil {
		return err
	}
	answer := "It is " + res.Content[0].(*mcp.TextContent).Text + "."
	if err := session.TrackTurn(ctx, instrument.Turn{User: question, Assistant: answer}); err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := client.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "user: %s\nassistant: %s\nsession %s sent; errors: %v\n", question, answer, session.ID(), session.Errors())
	return nil
}

type weatherIn struct {
	Location string `json:"location" jsonschema:"the city"`
}

// weatherServer is the MCP server: one tool.
func weatherServer(tracer trace.Tracer) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "weather", Version: "v1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "get_weather", Description: "Get the weather of a city"},
		func(ctx context.Context, _ *mcp.CallToolRequest, in weatherIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: weatherLookup(ctx, tracer, in.Location)}}}, nil, nil
		})
	return s
}

// weatherLookup is the tool's work, in a span of the server's own (a track
// event, to see it join the agent's session).
func weatherLookup(ctx context.Context, tracer trace.Tracer, city string) string {
	_, span := tracer.Start(ctx, "weather lookup", trace.WithAttributes(
		sc.MindlyticsEvent(sc.EventTrack), sc.EventName("Weather Lookup")))
	defer span.End()
	return "rainy in " + city + ", 14°C"
}
