package goopenaihelper_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// Twenty calls side by side in one turn of one session, half of them
// streamed, all answered with one response id: twenty turns, each with its
// own texts and counts, counted once.
func TestConcurrentCallsInOneSession(t *testing.T) {
	const n = 20
	fake := genaitest.NewServer(t)
	fake.Respond(genaitest.OpenAIChatNumbered)
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	got := make([]string, n)
	p.Turn(context.Background(), func(ctx context.Context) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				req := chatRequest(genaitest.Question(i), i%2 == 1)
				if !req.Stream {
					res, err := client.CreateChatCompletion(ctx, req)
					if assert.NoError(t, err) {
						got[i] = res.Choices[0].Message.Content
					}
					return
				}
				s, err := client.CreateChatCompletionStream(ctx, req)
				if !assert.NoError(t, err) {
					return
				}
				defer s.Close()
				for {
					ch, err := s.Recv()
					if errors.Is(err, io.EOF) || !assert.NoError(t, err) {
						return
					}
					if len(ch.Choices) > 0 {
						got[i] += ch.Choices[0].Delta.Content
					}
				}
			})
		}
		wg.Wait()
	})
	for i := range n {
		assert.Equal(t, genaitest.Answer(i), got[i])
	}
	assert.Len(t, p.ModelSpans(goopenaihelper.ScopeName), n)
	genaitest.AssertNumberedTurns(t, p.Events(t), n)
}
