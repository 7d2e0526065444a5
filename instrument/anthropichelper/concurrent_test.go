package anthropichelper_test

import (
	"context"
	"sync"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/stretchr/testify/assert"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// Twenty calls side by side in one turn of one session, half of them
// streamed, all answered with one message id: twenty turns, each with its
// own texts and counts, counted once.
func TestConcurrentCallsInOneSession(t *testing.T) {
	const n = 20
	fake := genaitest.NewServer(t)
	fake.Respond(genaitest.AnthropicNumbered)
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)

	got := make([]string, n)
	p.Turn(context.Background(), func(ctx context.Context) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				q := params(genaitest.Question(i))
				if i%2 == 0 {
					m, err := client.Messages.New(ctx, q)
					if assert.NoError(t, err) {
						got[i] = m.Content[0].Text
					}
					return
				}
				s := client.Messages.NewStreaming(ctx, q)
				m := anthropic.Message{}
				for s.Next() {
					assert.NoError(t, m.Accumulate(s.Current()))
				}
				assert.NoError(t, s.Err())
				assert.NoError(t, s.Close())
				if assert.NotEmpty(t, m.Content) {
					got[i] = m.Content[0].Text
				}
			})
		}
		wg.Wait()
	})
	for i := range n {
		assert.Equal(t, genaitest.Answer(i), got[i])
	}
	assert.Len(t, p.ModelSpans(anthropichelper.ScopeName), n)
	genaitest.AssertNumberedTurns(t, p.Events(t), n)
}
