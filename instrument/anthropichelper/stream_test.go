package anthropichelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// stream reads a whole stream into its Message, as an app does.
func stream(t *testing.T, ctx context.Context, client anthropic.Client, q anthropic.MessageNewParams) *anthropic.Message {
	t.Helper()
	s := client.Messages.NewStreaming(ctx, q)
	m := &anthropic.Message{}
	for s.Next() {
		require.NoError(t, m.Accumulate(s.Current()))
	}
	require.NoError(t, s.Err())
	require.NoError(t, s.Close())
	return m
}

func TestStreamTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: streamText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		m := stream(t, ctx, client, params("Hi"))
		assert.Equal(t, "Hello! How can I help?", m.Content[0].Text)
	})
	assert.Equal(t, joined(streamText), string(fake.Sent()[0]))

	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.True(t, a["gen_ai.request.stream"].AsBool())
	assert.Equal(t, int64(125), a["gen_ai.usage.input_tokens"].AsInt64(), "25 + 100 cached")
	assert.Equal(t, int64(15), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"Hello! How can I help?"}]}]`, a["gen_ai.output.messages"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "Hi", "assistant": "Hello! How can I help?",
		"model": "claude-sonnet-4-5-20250929", "prompt_tokens": json.Number("125"), "completion_tokens": json.Number("15"),
		"cached_tokens": json.Number("100"), "cache_write_tokens": json.Number("0"),
	}, turns[0].Properties)
}

// The agent loop streamed: the tool_use input comes in fragments.
func TestStreamAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: streamToolUse}, genaitest.Reply{Events: streamAfterTool})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		q := params("What's the weather in Paris?")
		asked := stream(t, ctx, client, q)
		p.Tool(ctx, "get_weather", "toolu_01T1x1fJ34qAmk2tNTrN7Up6", `{"location":"Paris"}`, "rainy, 14°C")
		stream(t, ctx, client, withToolResult(q, asked, "rainy, 14°C"))
	})
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 2)
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"Let me check."},
		{"type":"tool_call","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","arguments":{"location":"Paris"}}]}]`,
		genaitest.Attrs(spans[0])["gen_ai.output.messages"].AsString())

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "It is rainy in Paris, 14°C.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("600"), turns[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("11"), turns[0].Properties["completion_tokens"])
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("472"), usage[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("89"), usage[0].Properties["completion_tokens"])
}

// A stream the caller closes early still ends its span.
func TestStreamAbandoned(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: streamText[:3], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		s := client.Messages.NewStreaming(ctx, params("Hi"))
		require.True(t, s.Next())
		require.NoError(t, s.Close())
	})
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	assertCancelled(t, spans[0])
	assert.Empty(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn))
}

// A stream whose context is cancelled mid-way still ends its span. The SDK
// ends it with no status and no stop reason, as it does any call the
// application stopped; the helper marks it cancelled, as the other helpers
// do. What had arrived stays on the span; being cut short (status Error),
// the call is no turn, only usage of the tokens it reported.
func TestStreamContextCancelled(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: streamText[:4], Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		ctx, cancel := context.WithCancel(ctx)
		s := client.Messages.NewStreaming(ctx, params("Hi"))
		// Read up to the "Hello" delta, so that what arrived is known, then
		// cancel.
		for s.Next() && s.Current().Type != "content_block_delta" {
		}
		cancel()
		for s.Next() {
		}
		require.ErrorIs(t, s.Err(), context.Canceled)
		require.NoError(t, s.Close())
	})
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	assertCancelled(t, spans[0])
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"Hello"}]}]`,
		genaitest.Attrs(spans[0])["gen_ai.output.messages"].AsString())

	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	// The span has the input counts of message_start (25 + 100 cached) and
	// no output count, as the stream ended before message_delta.
	assert.Equal(t, mindlytics.Properties{"model": "claude-sonnet-4-5-20250929",
		"prompt_tokens": json.Number("125"), "completion_tokens": json.Number("0"),
		"cached_tokens": json.Number("100"), "cache_write_tokens": json.Number("0")}, usage[0].Properties)
}

func assertCancelled(t *testing.T, s sdktrace.ReadOnlySpan) {
	t.Helper()
	assert.Equal(t, codes.Error, s.Status().Code)
	a := genaitest.Attrs(s)
	assert.Equal(t, "cancelled", a["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
}
