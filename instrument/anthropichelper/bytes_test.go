package anthropichelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// The SDK reads, with the helper's options, exactly the bytes the server
// sent and exactly what it reads with its spans off, and the caller gets
// the same messages, events and errors: JSON, streams (text and tool use)
// and an error answer.
func TestCallerReadsSameBytes(t *testing.T) {
	script := []genaitest.Reply{
		{Body: msgToolUse},
		{Events: streamText},
		{Events: streamToolUse},
		{Status: http.StatusBadRequest, Body: invalidRequest},
	}
	genaitest.SameReads(t, script, func(fake *genaitest.Server, p *genaitest.Pipeline, rec *genaitest.Reads) []string {
		client := newRecordedClient(fake, p, rec)
		ctx := context.Background()
		m, err := client.Messages.New(ctx, params("Hi"))
		require.NoError(t, err)
		got := []string{m.RawJSON()}
		for range 2 {
			s := client.Messages.NewStreaming(ctx, params("Hi"))
			for s.Next() {
				got = append(got, s.Current().RawJSON())
			}
			require.NoError(t, s.Err())
			require.NoError(t, s.Close())
		}
		_, err = client.Messages.New(ctx, params("Hi"))
		require.Error(t, err)
		return append(got, err.Error())
	})
}
