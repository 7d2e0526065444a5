package mcpgohelper_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper"
)

// weatherServer is an MCP server over streamable HTTP with two tools:
// get_weather answers, and broken answers with a tool error. work, when
// set, runs inside get_weather with its context. It closes with the test.
func weatherServer(tb testing.TB, tp trace.TracerProvider, work func(ctx context.Context)) string {
	var opts []server.ServerOption
	if tp != nil {
		opts = append(opts, server.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware(mcpgohelper.WithTracerProvider(tp))))
	}
	s := server.NewMCPServer("weather", "v1", opts...)
	s.AddTool(mcp.NewTool("get_weather", mcp.WithDescription("Get the weather of a city"), mcp.WithString("location")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			if work != nil {
				work(ctx)
			}
			return mcp.NewToolResultText("rainy in " + req.GetString("location", "?") + ", 57°F"), nil
		})
	s.AddTool(mcp.NewTool("broken", mcp.WithString("location")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultError("station offline"), nil
		})
	web := httptest.NewServer(server.NewStreamableHTTPServer(s))
	tb.Cleanup(web.Close)
	return web.URL
}

// connect starts an initialized client of the server at url, traced into
// tp unless nil; it closes with the test.
func connect(tb testing.TB, url string, tp trace.TracerProvider, opts ...mcpgohelper.Option) client.MCPClient {
	tb.Helper()
	c, err := client.NewStreamableHttpClient(url)
	require.NoError(tb, err)
	ctx := context.Background()
	require.NoError(tb, c.Start(ctx))
	tb.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "agent", Version: "v1"}
	_, err = c.Initialize(ctx, init)
	require.NoError(tb, err)
	if tp == nil {
		return c
	}
	return mcpgohelper.WrapClient(c, append([]mcpgohelper.Option{mcpgohelper.WithTracerProvider(tp)}, opts...)...)
}

func callTool(ctx context.Context, c client.MCPClient, name, city string) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = map[string]any{"location": city}
	return c.CallTool(ctx, req)
}
