package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestChat(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	llm := newLLM(t, fake, h, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := llm.GenerateContent(ctx, question("What's the weather in Paris?"))
		require.NoError(t, err)
	})
	events := p.Events(t)
	assert.True(t, h.Idle())

	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "chat gpt-4o", s.Name())
	a := genaitest.Attrs(s)
	assert.Equal(t, "chat", a["gen_ai.operation.name"].AsString())
	assert.Equal(t, "openai", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, "gpt-4o", a["gen_ai.request.model"].AsString())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(17), a["gen_ai.usage.output_tokens"].AsInt64())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"What's the weather in Paris?"}]}]`, a["gen_ai.input.messages"].AsString())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is rainy, 57°F."}],"finish_reason":"stop"}]`,
		a["gen_ai.output.messages"].AsString())
	assert.Equal(t, codes.Unset, s.Status().Code)

	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "The weather in Paris is rainy, 57°F.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("82"), turns[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("17"), turns[0].Properties["completion_tokens"])
	assert.Equal(t, json.Number("16"), turns[0].Properties["cached_tokens"])
	assert.Equal(t, json.Number("5"), turns[0].Properties["reasoning_tokens"])
	t.Logf("%+v", events)
}

func TestContent(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		opts []langchaingohelper.Option
		want bool
	}{
		{"default", "", nil, true},
		{"env off", "false", nil, false},
		{"option wins", "false", []langchaingohelper.Option{langchaingohelper.WithCaptureContent(true)}, true},
		{"option off", "", []langchaingohelper.Option{langchaingohelper.WithCaptureContent(false)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", tc.env)
			fake := genaitest.NewServer(t)
			fake.Push(genaitest.Reply{Body: genaitest.ChatText})
			p := genaitest.NewPipeline(t)
			llm := newLLM(t, fake, newHandler(p, tc.opts...), nil)
			p.Turn(context.Background(), func(ctx context.Context) {
				_, err := llm.GenerateContent(ctx, question("Hi"))
				require.NoError(t, err)
			})
			spans := p.ModelSpans(langchaingohelper.ScopeName)
			require.Len(t, spans, 1)
			a := genaitest.Attrs(spans[0])
			_, in := a["gen_ai.input.messages"]
			_, out := a["gen_ai.output.messages"]
			assert.Equal(t, tc.want, in)
			assert.Equal(t, tc.want, out)
			assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64())
			// Without content: the usage of the call, no turn.
			events := p.Events(t)
			turns, usage := 1, 0
			if !tc.want {
				turns, usage = 0, 1
			}
			assert.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), turns)
			assert.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), usage)
		})
	}
}

func TestRedactor(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	llm := newLLM(t, fake, newHandler(p, langchaingohelper.WithRedactor(func(role, s string) string {
		if role == "user" {
			return "[redacted]"
		}
		return s
	})), nil)
	_, err := llm.GenerateContent(context.Background(), question("my card is 4242"))
	require.NoError(t, err)
	a := genaitest.Attrs(p.ModelSpans(langchaingohelper.ScopeName)[0])
	assert.NotContains(t, a["gen_ai.input.messages"].AsString(), "4242")
	assert.Contains(t, a["gen_ai.input.messages"].AsString(), "[redacted]")
	assert.Contains(t, a["gen_ai.output.messages"].AsString(), "rainy")
}
