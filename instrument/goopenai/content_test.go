package goopenaihelper_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenai"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// Without content, Mindlytics gets the usage of each call and no turns.
func TestContentOff(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string
		opts []goopenaihelper.Option
	}{
		{name: "environment", env: "false"},
		{name: "option over environment", env: "true", opts: []goopenaihelper.Option{goopenaihelper.WithCaptureContent(false)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(genai.CaptureContentEnv, tt.env)
			fake := genaitest.NewServer(t)
			fake.Push(genaitest.Reply{Body: genaitest.ChatText})
			p := genaitest.NewPipeline(t)
			client := newClient(fake, p, nil, tt.opts...)
			p.Turn(context.Background(), func(ctx context.Context) {
				_, err := client.CreateChatCompletion(ctx, chatRequest("What's the weather in Paris?", false))
				require.NoError(t, err)
			})
			a := genaitest.Attrs(p.ModelSpans(goopenaihelper.ScopeName)[0])
			for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"} {
				assert.NotContains(t, a, k)
			}
			assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
			events := p.Events(t)
			assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
			assert.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 1)
		})
	}
}

func TestRedactor(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	redact := func(role, s string) string {
		if role == "user" {
			return strings.ReplaceAll(s, "Paris", "[city]")
		}
		return s
	}
	client := newClient(fake, p, nil, goopenaihelper.WithRedactor(redact))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.CreateChatCompletion(ctx, chatRequest("What's the weather in Paris?", false))
		require.NoError(t, err)
	})
	assert.Contains(t, fake.Requests()[0].Body, "Paris", "the request sent is the caller's")
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in [city]?", turns[0].Properties["user"])
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
}
