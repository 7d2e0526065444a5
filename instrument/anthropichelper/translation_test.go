package anthropichelper_test

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

// These tests pin what internal/translate makes of the SDK's spans: the
// cache token counts a call reports, and a failed call. When the
// translation changes, change them with it.

// The span has gen_ai.usage.cache_read.input_tokens (1000) and
// gen_ai.usage.cache_write.input_tokens (188), and the turn carries them as
// cached_tokens and cache_write_tokens, so Mindlytics can price the cached
// part apart; prompt_tokens stays the sum (21 + 1000 + 188, as the spec
// says), and there is no reasoning_tokens, as Anthropic reports none.
func TestTranslationCarriesCacheTokens(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: msgText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Messages.New(ctx, params("Hi"))
		require.NoError(t, err)
	})
	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{
		"user": "Hi", "assistant": "The weather in Paris is rainy, 14°C.", "model": "claude-sonnet-4-5-20250929",
		"prompt_tokens": json.Number("1209"), "completion_tokens": json.Number("12"),
		"cached_tokens": json.Number("1000"), "cache_write_tokens": json.Number("188"),
	}, turns[0].Properties)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
}

// A failed call (status error, error.type, no token counts) has nothing to
// count: it makes neither a "Conversation Usage" nor a "Conversation Turn".
func TestTranslationSkipsFailedCallWithoutTokens(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: invalidRequest})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Messages.New(ctx, params("Hi"))
		require.Error(t, err)
	})
	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
}
