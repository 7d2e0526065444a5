package mcpgohelper_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Both sides traced into one pipeline, over HTTP: the call is one function
// in the caller's session and conversation; the server's span continues
// the caller's trace under the client's span and is not counted again.
func TestToolCallIsOneFunction(t *testing.T) {
	p := genaitest.NewPipeline(t)
	var serverSpan trace.SpanContext
	c := connect(t, weatherServer(t, p.TP, func(ctx context.Context) {
		serverSpan = trace.SpanContextFromContext(ctx)
		time.Sleep(2 * time.Millisecond) // a runtime to see
	}), p.TP)

	req := mcp.CallToolRequest{}
	req.Params.Name = "get_weather"
	req.Params.Arguments = map[string]any{"location": "Paris"}
	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := c.CallTool(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, "rainy in Paris, 57°F", res.Content[0].(mcp.TextContent).Text)
	})
	assert.Nil(t, req.Params.Meta, "the caller's request is left as it was")

	spans := p.ModelSpans(mcpgohelper.ScopeName)
	require.Len(t, spans, 2)
	client, server := spans[1], spans[0] // the server's ends first
	assert.Equal(t, trace.SpanKindClient, client.SpanKind())
	assert.Equal(t, trace.SpanKindServer, server.SpanKind())
	assert.Equal(t, "tools/call get_weather", client.Name())
	assert.Equal(t, client.SpanContext().TraceID(), server.SpanContext().TraceID())
	assert.Equal(t, client.SpanContext().SpanID(), server.Parent().SpanID(), "the server continues the caller's trace")
	assert.True(t, server.Parent().IsRemote(), "through _meta, over HTTP")
	assert.Equal(t, server.SpanContext().SpanID(), serverSpan.SpanID(), "the tool runs inside the server's span")
	ca, sa := genaitest.Attrs(client), genaitest.Attrs(server)
	assert.Equal(t, "execute_tool", ca["gen_ai.operation.name"].AsString())
	assert.Equal(t, `{"location":"Paris"}`, ca["gen_ai.tool.call.arguments"].AsString())
	assert.Equal(t, "rainy in Paris, 57°F", ca["gen_ai.tool.call.result"].AsString())
	assert.NotContains(t, sa, "gen_ai.operation.name", "the caller records the call: the server's span is not a function")

	functions := genaitest.Named(p.Events(t), mindlytics.EventConversationFunction)
	require.Len(t, functions, 1, "one function for both sides")
	fn := functions[0]
	assert.Equal(t, genaitest.ConversationID, fn.ConversationID)
	assert.Equal(t, "get_weather", fn.Properties["name"])
	assert.Equal(t, `{"location":"Paris"}`, fn.Properties["args"])
	assert.Equal(t, "rainy in Paris, 57°F", fn.Properties["result"])
	runtime, err := fn.Properties["runtime"].(json.Number).Int64()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, runtime, int64(2))
}

// A tool that answers with an error, and a call the server refuses (an
// unknown tool): each a function marked failed.
func TestToolErrors(t *testing.T) {
	p := genaitest.NewPipeline(t)
	c := connect(t, weatherServer(t, p.TP, nil), p.TP)
	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := callTool(ctx, c, "broken", "Paris")
		require.NoError(t, err)
		assert.True(t, res.IsError)
		_, err = callTool(ctx, c, "no_such_tool", "Paris")
		require.Error(t, err)
	})
	var client []sdktrace.ReadOnlySpan
	for _, s := range p.ModelSpans(mcpgohelper.ScopeName) {
		if s.SpanKind() == trace.SpanKindClient {
			client = append(client, s)
		}
	}
	require.Len(t, client, 2)
	assert.Equal(t, "tool_error", genaitest.Attrs(client[0])["error.type"].AsString())
	assert.Equal(t, codes.Error, client[1].Status().Code)

	functions := genaitest.Named(p.Events(t), mindlytics.EventConversationFunction)
	require.Len(t, functions, 2)
	assert.Equal(t, "station offline", functions[0].Properties["error"])
	assert.Equal(t, "no_such_tool", functions[1].Properties["name"])
	assert.NotEmpty(t, functions[1].Properties["error"])
}

// A caller without the helper: the server's span is the function.
func TestServerAloneRecordsTheFunction(t *testing.T) {
	p := genaitest.NewPipeline(t)
	c := connect(t, weatherServer(t, p.TP, nil), nil)
	_, err := callTool(context.Background(), c, "get_weather", "Oslo")
	require.NoError(t, err)
	spans := p.ModelSpans(mcpgohelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "execute_tool", a["gen_ai.operation.name"].AsString())
	assert.Equal(t, `{"location":"Oslo"}`, a["gen_ai.tool.call.arguments"].AsString())
	assert.Equal(t, "rainy in Oslo, 57°F", a["gen_ai.tool.call.result"].AsString())
}

// A call whose context ends ends its span, failed.
func TestCancelledCallEndsItsSpan(t *testing.T) {
	p := genaitest.NewPipeline(t)
	release := make(chan struct{})
	defer close(release)
	c := connect(t, weatherServer(t, nil, func(ctx context.Context) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}), p.TP)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := callTool(ctx, c, "get_weather", "Paris")
	require.Error(t, err)
	spans := p.ModelSpans(mcpgohelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "timeout", genaitest.Attrs(spans[0])["error.type"].AsString())
}

// Content capture off: no arguments or result leave the process.
func TestContentOff(t *testing.T) {
	p := genaitest.NewPipeline(t)
	c := connect(t, weatherServer(t, nil, nil), p.TP, mcpgohelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := callTool(ctx, c, "get_weather", "Paris")
		require.NoError(t, err)
	})
	functions := genaitest.Named(p.Events(t), mindlytics.EventConversationFunction)
	require.Len(t, functions, 1)
	assert.Equal(t, "get_weather", functions[0].Properties["name"])
	assert.NotContains(t, functions[0].Properties, "args")
	assert.NotContains(t, functions[0].Properties, "result")
}
