package anthropichelper_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// A 429 then a success: the SDK retries inside one span, and Mindlytics
// gets one turn.
func TestRetryIsOneSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(
		genaitest.Reply{Status: http.StatusTooManyRequests, Body: rateLimited, Header: http.Header{"Retry-After-Ms": {"10"}, "X-Should-Retry": {"true"}}},
		genaitest.Reply{Body: msgText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Messages.New(ctx, params("What's the weather in Paris?"))
		require.NoError(t, err)
	})
	require.Len(t, fake.Requests(), 2)
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Ok, spans[0].Status().Code)

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, json.Number("1209"), turns[0].Properties["prompt_tokens"])
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
}

// An error answer: the span says so, and no turn comes of it.
func TestErrorSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Status: http.StatusBadRequest, Body: invalidRequest})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Messages.New(ctx, params("Hi"))
		require.Error(t, err)
	})
	spans := p.ModelSpans(anthropichelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "invalid_request_error", a["error.type"].AsString())
	assert.Equal(t, int64(400), a["http.response.status_code"].AsInt64())
	assert.Empty(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn))
	// The zero usage it also becomes: TestTranslationCountsFailedCallAsUsage.
}
