package mcphelper_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/mcphelper"
)

type weatherIn struct {
	Location string `json:"location"`
}

// weatherServer is an MCP server with two tools: get_weather answers, and
// broken answers with a tool error. work, when set, runs inside
// get_weather with its context (to make spans on the serving side).
func weatherServer(tp trace.TracerProvider, work func(ctx context.Context)) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "weather", Version: "v1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "get_weather", Description: "Get the weather of a city"},
		func(ctx context.Context, _ *mcp.CallToolRequest, in weatherIn) (*mcp.CallToolResult, any, error) {
			if work != nil {
				work(ctx)
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("rainy in %s, 57°F", in.Location)}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "broken", Description: "Always fails"},
		func(context.Context, *mcp.CallToolRequest, weatherIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "station offline"}}}, nil, nil
		})
	if tp != nil {
		s.AddReceivingMiddleware(mcphelper.ServerMiddleware(mcphelper.WithTracerProvider(tp)))
	}
	return s
}

// connect connects a client (traced into tp unless nil) to s in memory;
// the sessions close with the test.
func connect(tb testing.TB, s *mcp.Server, tp trace.TracerProvider, opts ...mcphelper.Option) *mcp.ClientSession {
	tb.Helper()
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.Connect(ctx, st, nil)
	require.NoError(tb, err)
	c := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "v1"}, nil)
	if tp != nil {
		c.AddSendingMiddleware(mcphelper.ClientMiddleware(append([]mcphelper.Option{mcphelper.WithTracerProvider(tp)}, opts...)...))
	}
	cs, err := c.Connect(ctx, ct, nil)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		_ = cs.Close()
		_ = ss.Wait()
	})
	return cs
}

func callWeather(ctx context.Context, cs *mcp.ClientSession, city string) (*mcp.CallToolResult, error) {
	return cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_weather", Arguments: map[string]any{"location": city}})
}
