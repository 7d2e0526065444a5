package openaihelper_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// These tests pin what internal/translate makes of two kinds of span the
// helpers make: the cache and reasoning token counts a call reports, and a
// failed call. When the translation changes, change them with it.

// gen_ai.usage.cache_read.input_tokens and gen_ai.usage.reasoning.output_tokens
// are on the span, and the turn carries them as cached_tokens and
// reasoning_tokens; prompt_tokens still includes the cached tokens (the
// GenAI spec's meaning), and there is no cache_write_tokens, as OpenAI
// reports none.
func TestTranslationCarriesCachedAndReasoningTokens(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.NoError(t, err)
	})
	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "Hi", "assistant": "The weather in Paris is rainy, 57°F.", "model": "gpt-4o-2024-08-06",
		"prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5"),
	}, turns[0].Properties)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
}

// A model call that failed (span status error, error.type set, no tokens)
// has nothing to count: it makes neither a "Conversation Usage" nor a
// "Conversation Turn".
func TestTranslationSkipsFailedCallWithoutTokens(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.Error(t, err)
	})
	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
}
