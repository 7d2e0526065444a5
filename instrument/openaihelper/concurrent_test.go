package openaihelper_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
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
				if i%2 == 0 {
					res, err := client.Chat.Completions.New(ctx, chatParams(genaitest.Question(i)))
					if assert.NoError(t, err) {
						got[i] = res.Choices[0].Message.Content
					}
					return
				}
				s := client.Chat.Completions.NewStreaming(ctx, streamParams(genaitest.Question(i)))
				for s.Next() {
					if ch := s.Current(); len(ch.Choices) > 0 {
						got[i] += ch.Choices[0].Delta.Content
					}
				}
				assert.NoError(t, s.Err())
				assert.NoError(t, s.Close())
			})
		}
		wg.Wait()
	})
	for i := range n {
		assert.Equal(t, genaitest.Answer(i), got[i])
	}
	assert.Len(t, p.ModelSpans(openaihelper.ScopeName), n)
	genaitest.AssertNumberedTurns(t, p.Events(t), n)
}
