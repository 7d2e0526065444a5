package geminihelper_test

import (
	"context"
	"net/http"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/genai"

	"github.com/mindlytics/mindlytics-otel/instrument/geminihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// BenchmarkGenerateContent measures one call through the bare client and
// through the helper, on the same fake server; spans are recorded by an
// SDK TracerProvider and dropped, so the difference is the helper's own
// cost.
func BenchmarkGenerateContent(b *testing.B) {
	for _, bb := range []struct {
		name   string
		reply  genaitest.Reply
		stream bool
	}{
		{"json", genaitest.Reply{Body: genaitest.GeminiText}, false},
		{"stream", genaitest.Reply{Events: genaitest.GeminiTextStream}, true},
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
					hc = geminihelper.HTTPClient(geminihelper.WithTracerProvider(tp))
				}
				ctx := context.Background()
				client, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI,
					HTTPClient: hc, HTTPOptions: genai.HTTPOptions{BaseURL: fake.URL}})
				if err != nil {
					b.Fatal(err)
				}
				contents := genai.Text("What's the weather in Paris?")
				b.ReportAllocs()
				for b.Loop() {
					if bb.stream {
						for _, err := range client.Models.GenerateContentStream(ctx, model, contents, config()) {
							if err != nil {
								b.Fatal(err)
							}
						}
					} else if _, err := client.Models.GenerateContent(ctx, model, contents, config()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
