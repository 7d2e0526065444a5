package ollamahelper_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/ollama/ollama/api"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/instrument/ollamahelper"
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
		{"json", genaitest.Reply{Body: genaitest.OllamaChatText}, false},
		{"stream", genaitest.Reply{Events: genaitest.OllamaChatStream, ContentType: genaitest.OllamaNDJSON}, true},
	} {
		for _, traced := range []bool{false, true} {
			name := bb.name + "/bare"
			if traced {
				name = bb.name + "/helper"
			}
			b.Run(name, func(b *testing.B) {
				fake := genaitest.NewServer(b)
				fake.Always(bb.reply)
				hc := &http.Client{}
				if traced {
					tp := sdktrace.NewTracerProvider()
					b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
					hc = ollamahelper.HTTPClient(ollamahelper.WithTracerProvider(tp))
				}
				base, err := url.Parse(fake.URL)
				if err != nil {
					b.Fatal(err)
				}
				client := api.NewClient(base, hc)
				ctx := context.Background()
				req := chatRequest("What's the weather in Paris?", bb.stream)
				b.ReportAllocs()
				for b.Loop() {
					if err := client.Chat(ctx, req, func(api.ChatResponse) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
