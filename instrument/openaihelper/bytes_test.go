package openaihelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3/responses"
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
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		client := newClient(fake, p, rec)
		ctx := context.Background()
		var got []string
		c, err := client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.NoError(t, err)
		got = append(got, c.RawJSON())
		s := client.Chat.Completions.NewStreaming(ctx, streamParams("Hi"))
		for s.Next() {
			got = append(got, s.Current().RawJSON())
		}
		require.NoError(t, s.Err())
		require.NoError(t, s.Close())
		r, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4.1", Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Hi")}})
		require.NoError(t, err)
		got = append(got, r.RawJSON())
		rs := client.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: "gpt-4.1", Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Hi")}})
		for rs.Next() {
			got = append(got, rs.Current().RawJSON())
		}
		require.NoError(t, rs.Err())
		require.NoError(t, rs.Close())
		_, err = client.Chat.Completions.New(ctx, chatParams("Hi"))
		require.Error(t, err)
		return append(got, err.Error())
	})
}
