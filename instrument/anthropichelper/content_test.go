package anthropichelper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

var contentKeys = []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"}

// Without content: no text on the span, no turn, only usage.
func TestContentOff(t *testing.T) {
	for _, c := range []struct {
		name string
		env  string
		opts []anthropichelper.Option
	}{
		{"option", "", []anthropichelper.Option{anthropichelper.WithCaptureContent(false)}},
		{"env", "false", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(anthropichelper.CaptureContentEnv, c.env)
			t.Setenv("ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE", "content")
			fake := genaitest.NewServer(t)
			fake.Push(genaitest.Reply{Body: msgText})
			p := genaitest.NewPipeline(t)
			client := newClient(fake, p, c.opts...)
			p.Turn(context.Background(), func(ctx context.Context) {
				_, err := client.Messages.New(ctx, params("Hi"))
				require.NoError(t, err)
			})
			a := genaitest.Attrs(p.ModelSpans(anthropichelper.ScopeName)[0])
			for _, k := range contentKeys {
				assert.NotContains(t, a, k)
			}
			events := p.Events(t)
			assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
			usage := genaitest.Named(events, mindlytics.EventConversationUsage)
			require.Len(t, usage, 1)
			assert.Equal(t, json.Number("1209"), usage[0].Properties["prompt_tokens"])
		})
	}
}

// The option wins over the variable.
func TestContentOptionOverEnv(t *testing.T) {
	t.Setenv(anthropichelper.CaptureContentEnv, "false")
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: msgText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, anthropichelper.WithCaptureContent(true))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Messages.New(ctx, params("Hi"))
		require.NoError(t, err)
	})
	require.Len(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn), 1)
}

// The redactor sees every text, by role, before any processor does.
func TestRedactor(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: msgToolUse}, genaitest.Reply{Body: msgAfterTool})
	p := genaitest.NewPipeline(t)
	redact := func(role, s string) string {
		if role == "system" {
			return ""
		}
		return role + ":" + strings.ReplaceAll(s, "Paris", "[city]")
	}
	client := newClient(fake, p, anthropichelper.WithRedactor(redact))
	p.Turn(context.Background(), func(ctx context.Context) {
		q := params("What's the weather in Paris?")
		asked, err := client.Messages.New(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, "I'll check the weather in Paris.", asked.Content[0].Text, "the caller's view is untouched")
		_, err = client.Messages.New(ctx, withToolResult(q, asked, "rainy in Paris"))
		require.NoError(t, err)
	})
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 2)
	for _, s := range spans {
		for _, k := range contentKeys {
			assert.NotContains(t, genaitest.Attrs(s)[k].AsString(), "Paris", k)
		}
	}
	a := genaitest.Attrs(spans[1])
	assert.JSONEq(t, `[]`, a["gen_ai.system_instructions"].AsString())
	in := messages(t, a["gen_ai.input.messages"].AsString())
	assert.Equal(t, []any{map[string]any{"type": "text", "content": "user:What's the weather in [city]?"}}, in[0]["parts"])
	// Tool arguments and results are redacted as JSON; text that is no
	// longer JSON stays a string.
	assert.Equal(t, "assistant:{\"location\":\"[city]\"}", in[1]["parts"].([]any)[1].(map[string]any)["arguments"])
	assert.Equal(t, `tool:[{"text":"rainy in [city]","type":"text"}]`, in[2]["parts"].([]any)[0].(map[string]any)["response"])

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "user:What's the weather in [city]?", turns[0].Properties["user"])
	assert.Equal(t, "assistant:It is rainy in [city], 14°C.", turns[0].Properties["assistant"])
}
