package goopenaihelper_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// Without content, Mindlytics gets the usage of each call and no turns.
func TestContentOff(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string
		opts []goopenaihelper.Option
	}{
		{name: "environment", env: "false"},
		{name: "option over environment", env: "true", opts: []goopenaihelper.Option{goopenaihelper.WithCaptureContent(false)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(genai.CaptureContentEnv, tt.env)
			fake := genaitest.NewServer(t)
			fake.Push(genaitest.Reply{Body: genaitest.ChatText})
			p := genaitest.NewPipeline(t)
			client := newClient(fake, p, nil, tt.opts...)
			p.Turn(context.Background(), func(ctx context.Context) {
				_, err := client.CreateChatCompletion(ctx, chatRequest("What's the weather in Paris?", false))
				require.NoError(t, err)
			})
			p.AssertContentOff(t, goopenaihelper.ScopeName)
		})
	}
}

func TestRedactor(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil, goopenaihelper.WithRedactor(genaitest.RedactCity))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.CreateChatCompletion(ctx, chatRequest("What's the weather in Paris?", false))
		require.NoError(t, err)
	})
	p.AssertRedacted(t, fake)
}
