package anthropichelper_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	anthropichelper "github.com/mindlytics/mindlytics-otel/instrument/anthropichelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// BenchmarkMessages measures one call through the bare client (the SDK's
// spans off) and through the helper (spans with content, recorded by an SDK
// TracerProvider and dropped), on the same fake server.
func BenchmarkMessages(b *testing.B) {
	for _, bb := range []struct {
		name   string
		reply  genaitest.Reply
		stream bool
	}{
		{"json", genaitest.Reply{Body: msgText}, false},
		{"stream", genaitest.Reply{Events: streamText}, true},
	} {
		for _, traced := range []bool{false, true} {
			name := bb.name + "/bare"
			if traced {
				name = bb.name + "/helper"
			}
			b.Run(name, func(b *testing.B) {
				fake := genaitest.NewServer(b)
				fake.Always(bb.reply)
				opts := []option.RequestOption{option.WithBaseURL(fake.URL), option.WithAPIKey("sk-ant-test"),
					option.WithHTTPClient(&http.Client{Transport: fake.Client().Transport})}
				if traced {
					tp := sdktrace.NewTracerProvider()
					b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
					opts = append(opts, anthropichelper.Options(anthropichelper.WithTracerProvider(tp))...)
				} else {
					opts = append(opts, option.WithoutOpenTelemetry())
				}
				client := anthropic.NewClient(opts...)
				ctx := context.Background()
				q := params("What's the weather in Paris?")
				b.ReportAllocs()
				for b.Loop() {
					if bb.stream {
						s := client.Messages.NewStreaming(ctx, q)
						for s.Next() {
						}
						if err := s.Close(); err != nil || s.Err() != nil {
							b.Fatal(err, s.Err())
						}
					} else if _, err := client.Messages.New(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
