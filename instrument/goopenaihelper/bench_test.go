package goopenaihelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/sashabaranov/go-openai"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// BenchmarkChat measures one call through the bare client and through the
// helper, on the same fake server; spans are recorded by an SDK
// TracerProvider and dropped, so the difference is the helper's own cost.
func BenchmarkChat(b *testing.B) {
	for _, bb := range []struct {
		name   string
		reply  genaitest.Reply
		stream bool
	}{
		{"json", genaitest.Reply{Body: genaitest.ChatText}, false},
		{"stream", genaitest.Reply{Events: genaitest.ChatTextStream}, true},
	} {
		for _, traced := range []bool{false, true} {
			name := bb.name + "/bare"
			if traced {
				name = bb.name + "/helper"
			}
			b.Run(name, func(b *testing.B) {
				fake := genaitest.NewServer(b)
				fake.Always(bb.reply)
				cfg := openai.DefaultConfig("sk-test")
				cfg.BaseURL = fake.URL + "/v1"
				cfg.HTTPClient = &http.Client{}
				if traced {
					tp := sdktrace.NewTracerProvider()
					b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
					cfg.HTTPClient = goopenaihelper.HTTPClient(goopenaihelper.WithTracerProvider(tp))
				}
				client := openai.NewClientWithConfig(cfg)
				ctx := context.Background()
				req := chatRequest("What's the weather in Paris?", bb.stream)
				b.ReportAllocs()
				for b.Loop() {
					if bb.stream {
						s, err := client.CreateChatCompletionStream(ctx, req)
						if err != nil {
							b.Fatal(err)
						}
						for _, err := s.Recv(); err == nil; _, err = s.Recv() {
						}
						_ = s.Close()
					} else if _, err := client.CreateChatCompletion(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
