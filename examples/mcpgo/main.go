// Command mcpgo shows the mcp-go helper: an agent calls a tool of an MCP
// server (github.com/mark3labs/mcp-go, over streamable HTTP on loopback)
// and the call becomes one Mindlytics function in the agent's session and
// conversation; the server's own work joins that session through the trace
// context and baggage in the request's _meta. It runs offline against a
// local Mindlytics, or the one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper"
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

	// The tool server, with the helper's one option. In its own process it
	// would have its own instrument.Client (or instrument.NewSpanProcessor).
	web := httptest.NewServer(server.NewStreamableHTTPServer(weatherServer(tp)))
	defer web.Close()

	c, err := client.NewStreamableHttpClient(web.URL)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "agent", Version: "v1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return err
	}
	agent := mcpgohelper.WrapClient(c, mcpgohelper.WithTracerProvider(tp)) // the helper's one line

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "mcpgo-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	if ctx, err = session.StartConversation(ctx, "weather-chat"); err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_weather"
	req.Params.Arguments = map[string]any{"location": "Paris"}
	res, err := agent.CallTool(ctx, req)
	if err != nil {
		return err
	}
	answer := "It is " + res.Content[0].(mcp.TextContent).Text + "."
	if err := session.TrackTurn(ctx, instrument.Turn{User: question, Assistant: answer}); err != nil {
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

// weatherServer is the MCP server: one tool, whose lookup is a span of the
// server's own (a track event, to see it join the agent's session).
func weatherServer(tp trace.TracerProvider) *server.MCPServer {
	s := server.NewMCPServer("weather", "v1",
		server.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware(mcpgohelper.WithTracerProvider(tp))))
	s.AddTool(mcp.NewTool("get_weather", mcp.WithDescription("Get the weather of a city"), mcp.WithString("location")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			_, span := tp.Tracer("weather-service").Start(ctx, "weather lookup", trace.WithAttributes(
				sc.MindlyticsEvent(sc.EventTrack), sc.EventName("Weather Lookup")))
			defer span.End()
			return mcp.NewToolResultText("rainy in " + req.GetString("location", "?") + ", 14°C"), nil
		})
	return s
}
