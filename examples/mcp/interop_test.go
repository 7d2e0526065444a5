package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpgoserver "github.com/mark3labs/mcp-go/server"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper"
	"github.com/mindlytics/mindlytics-otel/instrument/mcphelper"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// The two MCP helpers read each other's _meta: an agent on the official
// SDK calls a tool of an mcp-go server over streamable HTTP, both traced,
// each with its own client and exporter; the call is one function in the
// agent's session, and the server's work joins that session.
func TestOfficialClientAndMCPGoServer(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	newClient := func() *instrument.Client {
		c, err := instrument.New(context.Background(), instrument.WithClientOptions(srv.ClientOptions()...))
		require.NoError(t, err)
		return c
	}
	agentSide, toolSide := newClient(), newClient()

	server := mcpgoserver.NewMCPServer("weather", "v1",
		mcpgoserver.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware(mcpgohelper.WithTracerProvider(toolSide.TracerProvider()))))
	server.AddTool(mcpgo.NewTool("get_weather", mcpgo.WithString("location")),
		func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			return mcpgo.NewToolResultText(weatherLookup(ctx, toolSide.TracerProvider().Tracer("weather-service"), req.GetString("location", "?"))), nil
		})
	web := httptest.NewServer(mcpgoserver.NewStreamableHTTPServer(server))
	defer web.Close()

	agent := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "v1"}, nil)
	agent.AddSendingMiddleware(mcphelper.ClientMiddleware(mcphelper.WithTracerProvider(agentSide.TracerProvider())))
	ctx := context.Background()
	cs, err := agent.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: web.URL}, nil)
	require.NoError(t, err)

	ctx, session, err := agentSide.StartSession(ctx, instrument.SessionConfig{ID: "s-interop", UserID: "u-interop"})
	require.NoError(t, err)
	ctx, err = session.StartConversation(ctx, "c-interop")
	require.NoError(t, err)
	require.NoError(t, agentSide.Flush(ctx))
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_weather", Arguments: map[string]any{"location": "Paris"}})
	require.NoError(t, err)
	require.Equal(t, "rainy in Paris, 14°C", res.Content[0].(*mcp.TextContent).Text)
	require.NoError(t, cs.Close())

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, toolSide.Shutdown(shutdownCtx))
	require.NoError(t, session.End(ctx))
	require.NoError(t, agentSide.Shutdown(shutdownCtx))
	require.ElementsMatch(t, []string{"start_session", "track:Conversation Started", "track:Conversation Function",
		"track:Weather Lookup", "track:Conversation Ended", "end_session"}, testkit.Kinds(srv.SessionEvents("s-interop")))
	require.Empty(t, srv.Violations())
}
