package openaihelper_test

import (
	"context"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
)

// BenchmarkChat measures one call through the bare client and through the
// helper, on the same fake server; the spans are recorded by an SDK
// TracerProvider and dropped (no exporter), so the difference is the
// helper's own cost: parsing, attributes, span.
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
				opts := []option.RequestOption{option.WithBaseURL(fake.URL), option.WithAPIKey("sk-test")}
				if traced {
					tp := sdktrace.NewTracerProvider()
					b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
					opts = append(opts, openaihelper.RequestOption(openaihelper.WithTracerProvider(tp)))
				}
				client := openai.NewClient(opts...)
				ctx := context.Background()
				params := streamParams("What's the weather in Paris?")
				b.ReportAllocs()
				for b.Loop() {
					if bb.stream {
						s := client.Chat.Completions.NewStreaming(ctx, params)
						for s.Next() {
						}
						if err := s.Close(); err != nil || s.Err() != nil {
							b.Fatal(err, s.Err())
						}
					} else if _, err := client.Chat.Completions.New(ctx, params); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
