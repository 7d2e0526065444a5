package mcphelper_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/instrument/mcphelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Both sides traced into one pipeline: the call is one function in the
// caller's session and conversation; the server's span continues the
// caller's trace under the client's span and is not counted again.
func TestToolCallIsOneFunction(t *testing.T) {
	p := genaitest.NewPipeline(t)
	var serverSpan trace.SpanContext
	cs := connect(t, weatherServer(p.TP, func(ctx context.Context) {
		serverSpan = trace.SpanContextFromContext(ctx)
		time.Sleep(2 * time.Millisecond) // a runtime to see
	}), p.TP)

	params := &mcp.CallToolParams{Name: "get_weather", Arguments: map[string]any{"location": "Paris"}}
	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := cs.CallTool(ctx, params)
		require.NoError(t, err)
		assert.Equal(t, "rainy in Paris, 57°F", res.Content[0].(*mcp.TextContent).Text)
	})
	assert.NotContains(t, params.Meta, "traceparent", "the caller's params are left as they were")

	spans := p.ModelSpans(mcphelper.ScopeName)
	require.Len(t, spans, 2)
	client, server := spans[1], spans[0] // the server's ends first
	assert.Equal(t, trace.SpanKindClient, client.SpanKind())
	assert.Equal(t, trace.SpanKindServer, server.SpanKind())
	assert.Equal(t, "tools/call get_weather", client.Name())
	assert.Equal(t, client.SpanContext().TraceID(), server.SpanContext().TraceID())
	assert.Equal(t, client.SpanContext().SpanID(), server.Parent().SpanID(), "the server continues the caller's trace")
	assert.Equal(t, server.SpanContext().SpanID(), serverSpan.SpanID(), "the tool runs inside the server's span")
	ca, sa := genaitest.Attrs(client), genaitest.Attrs(server)
	assert.Equal(t, "execute_tool", ca["gen_ai.operation.name"].AsString())
	assert.Equal(t, "tools/call", ca["mcp.method.name"].AsString())
	assert.Equal(t, `{"location":"Paris"}`, ca["gen_ai.tool.call.arguments"].AsString())
	assert.Equal(t, "rainy in Paris, 57°F", ca["gen_ai.tool.call.result"].AsString())
	assert.NotContains(t, sa, "gen_ai.operation.name", "the caller records the call: the server's span is not a function")
	assert.Equal(t, "get_weather", sa["gen_ai.tool.name"].AsString())

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
	assert.NotContains(t, fn.Properties, "error")
}

// A tool that answers with an error, and a call the server refuses (an
// unknown tool): each a function marked failed.
func TestToolErrors(t *testing.T) {
	p := genaitest.NewPipeline(t)
	cs := connect(t, weatherServer(p.TP, nil), p.TP)
	p.Turn(context.Background(), func(ctx context.Context) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "broken", Arguments: map[string]any{"location": "Paris"}})
		require.NoError(t, err)
		assert.True(t, res.IsError)
		_, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "no_such_tool"})
		require.Error(t, err)
	})
	var client []sdktrace.ReadOnlySpan
	for _, s := range p.ModelSpans(mcphelper.ScopeName) {
		if s.SpanKind() == trace.SpanKindClient {
			client = append(client, s)
		}
	}
	require.Len(t, client, 2)
	assert.Equal(t, codes.Error, client[0].Status().Code)
	assert.Equal(t, "tool_error", genaitest.Attrs(client[0])["error.type"].AsString())
	assert.Equal(t, codes.Error, client[1].Status().Code)

	functions := genaitest.Named(p.Events(t), mindlytics.EventConversationFunction)
	require.Len(t, functions, 2)
	assert.Equal(t, "broken", functions[0].Properties["name"])
	assert.Equal(t, "station offline", functions[0].Properties["error"])
	assert.Equal(t, "no_such_tool", functions[1].Properties["name"])
	assert.Contains(t, functions[1].Properties["error"], "no_such_tool")
}

// A caller without the helper: the server's span is the function (no mark
// in _meta says the caller counts it).
func TestServerAloneRecordsTheFunction(t *testing.T) {
	p := genaitest.NewPipeline(t)
	cs := connect(t, weatherServer(p.TP, nil), nil)
	_, err := callWeather(context.Background(), cs, "Oslo")
	require.NoError(t, err)
	spans := p.ModelSpans(mcphelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, trace.SpanKindServer, spans[0].SpanKind())
	assert.Equal(t, "execute_tool", a["gen_ai.operation.name"].AsString())
	assert.Equal(t, `{"location":"Oslo"}`, a["gen_ai.tool.call.arguments"].AsString())
	assert.Equal(t, "rainy in Oslo, 57°F", a["gen_ai.tool.call.result"].AsString())
	assert.False(t, spans[0].Parent().IsValid(), "no caller's trace to continue")
}

// A call whose context is cancelled ends its span, failed.
func TestCancelledCallEndsItsSpan(t *testing.T) {
	p := genaitest.NewPipeline(t)
	release := make(chan struct{})
	defer close(release)
	cs := connect(t, weatherServer(p.TP, func(ctx context.Context) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}), p.TP)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := callWeather(ctx, cs, "Paris")
	require.Error(t, err)
	var client sdktrace.ReadOnlySpan
	for _, s := range p.Recorder.Ended() {
		if s.SpanKind() == trace.SpanKindClient {
			client = s
		}
	}
	require.NotNil(t, client)
	assert.Equal(t, codes.Error, client.Status().Code)
	assert.Equal(t, "timeout", genaitest.Attrs(client)["error.type"].AsString())
}

// Content capture off: the function keeps its name and runtime, no
// arguments or result leave the process.
func TestContentOff(t *testing.T) {
	p := genaitest.NewPipeline(t)
	cs := connect(t, weatherServer(nil, nil), p.TP, mcphelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := callWeather(ctx, cs, "Paris")
		require.NoError(t, err)
	})
	spans := p.ModelSpans(mcphelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.NotContains(t, a, "gen_ai.tool.call.arguments")
	assert.NotContains(t, a, "gen_ai.tool.call.result")
	functions := genaitest.Named(p.Events(t), mindlytics.EventConversationFunction)
	require.Len(t, functions, 1)
	assert.Equal(t, "get_weather", functions[0].Properties["name"])
	assert.NotContains(t, functions[0].Properties, "args")
	assert.NotContains(t, functions[0].Properties, "result")
}
