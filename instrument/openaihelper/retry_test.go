package openaihelper_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// openai-go runs middleware once per attempt; a 429 then a success is still
// one span, one turn.
func TestRetryIsOneSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.RateLimited(), genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Chat.Completions.New(ctx, chatParams("What's the weather in Paris?"))
		require.NoError(t, err)
	})
	require.Len(t, fake.Requests(), 2)
	assert.Equal(t, "1", fake.Requests()[1].Header.Get("X-Stainless-Retry-Count"))

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, codes.Unset, s.Status().Code)
	require.Len(t, s.Events(), 1)
	assert.Equal(t, "retry", s.Events()[0].Name)
	assert.Equal(t, int64(82), genaitest.Attrs(s)["gen_ai.usage.input_tokens"].AsInt64())
	_, hasErr := genaitest.Attrs(s)["error.type"]
	assert.False(t, hasErr)

	events := p.Events(t)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), 1)
	assert.Empty(t, genaitest.Named(events, mindlytics.EventConversationUsage))
}

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name     string
		replies  []genaitest.Reply
		retries  int
		wantType string
		attempts int
	}{
		{"400 is not retried", []genaitest.Reply{{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody}}, 2, "invalid_value", 1},
		{"500 without retries", []genaitest.Reply{{Status: http.StatusInternalServerError, Body: genaitest.ServerError}}, 0, "server_error", 1},
		{"500 until the retries run out", []genaitest.Reply{
			{Status: http.StatusInternalServerError, Body: genaitest.ServerError, Header: http.Header{"Retry-After-Ms": {"5"}}},
			{Status: http.StatusInternalServerError, Body: genaitest.ServerError, Header: http.Header{"Retry-After-Ms": {"5"}}},
		}, 1, "server_error", 2},
		{"body not JSON", []genaitest.Reply{{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>", Header: http.Header{"X-Should-Retry": {"false"}}}}, 2, "502", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := genaitest.NewServer(t)
			fake.Push(tt.replies...)
			p := genaitest.NewPipeline(t)
			client := openai.NewClient(option.WithBaseURL(fake.URL), option.WithAPIKey("sk-test"), option.WithMaxRetries(tt.retries),
				openaihelper.RequestOption(openaihelper.WithTracerProvider(p.TP)))

			_, err := client.Chat.Completions.New(context.Background(), chatParams("Hi"))
			var apiErr *openai.Error
			require.True(t, errors.As(err, &apiErr), "%v", err)
			assert.Len(t, fake.Requests(), tt.attempts)

			spans := p.ModelSpans(openaihelper.ScopeName)
			require.Len(t, spans, 1)
			assert.Equal(t, codes.Error, spans[0].Status().Code)
			assert.Equal(t, tt.wantType, genaitest.Attrs(spans[0])["error.type"].AsString())
			assert.Len(t, spans[0].Events(), tt.attempts-1, "one retry event per retried attempt")
		})
	}
}

// A transport error that the client retries, then a success: one span.
func TestConnectionErrorRetried(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	failed := false
	flaky := option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		if !failed {
			failed = true
			return nil, errors.New("connection reset by peer")
		}
		return next(req)
	})
	// The flaky middleware sits inside the helper, as the network does.
	client := openai.NewClient(option.WithBaseURL(fake.URL), option.WithAPIKey("sk-test"),
		openaihelper.RequestOption(openaihelper.WithTracerProvider(p.TP)), flaky)

	_, err := client.Chat.Completions.New(context.Background(), chatParams("Hi"))
	require.NoError(t, err)
	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Unset, spans[0].Status().Code)
	assert.Len(t, spans[0].Events(), 1)
}
