package langchaingohelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// This test pins what internal/translate makes of a span the handler
// makes. When the translation changes, change it with it.

// A model call that failed (status error, error.type set, no tokens; here
// ended by its chain's error, as langchaingo's OpenAI model reports none)
// has nothing to count: it makes neither a "Conversation Usage" nor a
// "Conversation Turn".
func TestTranslationSkipsFailedCallWithoutTokens(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := runAgent(t, h, h, fake, nil, weather{h: h}, ctx)
		require.Error(t, err)
	})
	events := p.Events(t)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationTurn))
}
