package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// A streamed call (llms.WithStreamingFunc) makes the same span and turn as
// one that is not.
func TestStream(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	llm := newLLM(t, fake, h, nil)
	var chunks []string
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := llm.GenerateContent(ctx, question("What's the weather in Paris?"),
			llms.WithStreamingFunc(func(_ context.Context, c []byte) error { chunks = append(chunks, string(c)); return nil }))
		require.NoError(t, err)
	})
	assert.Equal(t, "The weather in Paris is rainy.", joinAll(chunks))
	events := p.Events(t)
	assert.True(t, h.Idle())
	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "The weather in Paris is rainy.", turns[0].Properties["assistant"])
}

// A streamed call whose context is cancelled mid-way: langchaingo returns
// what had arrived as if complete (or, for a call that fails, its error
// without a callback); the span ends, marked cancelled, either way.
func TestStreamContextCancelled(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	llm := newLLM(t, fake, h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := llm.GenerateContent(ctx, question("Hi"), llms.WithStreamingFunc(func(context.Context, []byte) error {
		cancel()
		return nil
	}))
	// langchaingo returns what had arrived, and no error.
	require.NoError(t, err)
	require.Eventually(t, h.Idle, 5*time.Second, 5*time.Millisecond)
	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 1)
	assertCancelled(t, genaitest.Attrs(spans[0]), spans[0].Status().Code)
}

// A stream the caller abandons (its streaming func fails) gets no callback
// either: its span ends when the call's context ends, as a request's does
// when its handler returns.
func TestStreamAbandoned(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ChatTextStream[:2], Hang: true})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	llm := newLLM(t, fake, h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	stop := errors.New("enough")
	_, err := llm.GenerateContent(ctx, question("Hi"), llms.WithStreamingFunc(func(context.Context, []byte) error { return stop }))
	require.ErrorIs(t, err, stop)
	assert.False(t, h.Idle())
	cancel()
	require.Eventually(t, h.Idle, 5*time.Second, 5*time.Millisecond)
	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 1)
	assertCancelled(t, genaitest.Attrs(spans[0]), spans[0].Status().Code)
}

func assertCancelled(t *testing.T, a map[string]attribute.Value, code codes.Code) {
	t.Helper()
	assert.Equal(t, codes.Error, code)
	assert.Equal(t, "cancelled", a["error.type"].AsString())
	assert.Equal(t, []string{"cancelled"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
}

// The handler never touches HTTP: langchaingo reads the same bytes, and
// returns the same answers, chunks and errors, with and without it.
func TestCallerReadsSameBytes(t *testing.T) {
	script := []genaitest.Reply{
		{Body: genaitest.ChatText},
		{Events: genaitest.ChatToolCallStream},
		{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody},
	}
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		var h *langchaingohelper.Handler
		var llm = newLLM(t, fake, nil, &http.Client{Transport: rec.Transport(nil)})
		if p != nil {
			h = newHandler(p)
			llm = newLLM(t, fake, h, &http.Client{Transport: rec.Transport(nil)})
		}
		ctx, cancel := context.WithCancel(context.Background())
		var got []string
		keep := func(v any) {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			got = append(got, string(b))
		}
		r, err := llm.GenerateContent(ctx, question("Hi"))
		require.NoError(t, err)
		keep(r)
		r, err = llm.GenerateContent(ctx, question("Hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			got = append(got, string(c))
			return nil
		}))
		require.NoError(t, err)
		keep(r)
		_, err = llm.GenerateContent(ctx, question("Hi"))
		require.Error(t, err)
		got = append(got, err.Error())
		cancel() // ends the failed call's span: langchaingo reports no error
		if h != nil {
			require.Eventually(t, h.Idle, 5*time.Second, 5*time.Millisecond)
		}
		return got
	})
}

func joinAll(s []string) string {
	var out string
	for _, c := range s {
		out += c
	}
	return out
}

// A stream whose server sent no usage chunk (an OpenAI-compatible server
// that ignores stream_options): langchaingo reports 0 and 0 tokens; the
// turn reaches Mindlytics with no counts, not zeros.
func TestStreamWithoutUsageHasNoCounts(t *testing.T) {
	fake := genaitest.NewServer(t)
	events := genaitest.ChatTextStream
	fake.Push(genaitest.Reply{Events: append(append([]string{}, events[:len(events)-2]...), events[len(events)-1])})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	llm := newLLM(t, fake, h, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := llm.GenerateContent(ctx, question("What's the weather in Paris?"),
			llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
		require.NoError(t, err)
	})
	spans := p.ModelSpans(langchaingohelper.ScopeName)
	require.Len(t, spans, 1)
	assert.NotContains(t, genaitest.Attrs(spans[0]), "gen_ai.usage.input_tokens")
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "The weather in Paris is rainy.", turns[0].Properties["assistant"])
	assert.NotContains(t, turns[0].Properties, "prompt_tokens")
	assert.NotContains(t, turns[0].Properties, "completion_tokens")
}
