package openaihelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3/responses"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// The SDK reads, with the helper, exactly the bytes the server sent, and
// exactly what it reads without the helper: JSON, streams and errors.
func TestCallerReadsSameBytes(t *testing.T) {
	script := []genaitest.Reply{
		{Body: genaitest.ChatText},
		{Events: genaitest.ChatToolCallStream},
		{Body: genaitest.ResponsesText},
		{Events: genaitest.ResponsesTextStream},
		{Status: http.StatusBadRequest, Body: genaitest.BadRequestBody},
	}
	run := func(traced bool) []string {
		fake := genaitest.NewServer(t)
		fake.Push(script...)
		var p *genaitest.Pipeline
		if traced {
			p = genaitest.NewPipeline(t)
		}
		rec := &reads{}
		client := newClient(fake, p, rec)
		ctx := context.Background()
		_, err := client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.NoError(t, err)
		s := client.Chat.Completions.NewStreaming(ctx, streamParams("Hi"))
		for s.Next() {
		}
		require.NoError(t, s.Err())
		require.NoError(t, s.Close())
		_, err = client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4.1", Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Hi")}})
		require.NoError(t, err)
		rs := client.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: "gpt-4.1", Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Hi")}})
		for rs.Next() {
		}
		require.NoError(t, rs.Err())
		require.NoError(t, rs.Close())
		_, err = client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.Error(t, err)

		sent := fake.Sent()
		got := rec.all()
		require.Len(t, got, len(sent))
		for i := range sent {
			assert.Equal(t, string(sent[i]), got[i], "answer %d", i)
		}
		if traced {
			assert.Len(t, p.Recorder.Ended(), len(script))
		}
		return got
	}
	assert.Equal(t, run(false), run(true))
}
