package langchaingohelper_test

import (
	"context"
	"testing"

	"github.com/tmc/langchaingo/callbacks"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
)

// BenchmarkGenerateContent measures one model call through bare langchaingo
// and through the handler, on the same fake server; the spans are recorded
// by an SDK TracerProvider and dropped (no exporter), so the difference is
// the handler's own cost: message JSON, attributes, span, pairing.
func BenchmarkGenerateContent(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := "bare"
		if traced {
			name = "handler"
		}
		b.Run(name, func(b *testing.B) {
			fake := genaitest.NewServer(b)
			fake.Always(genaitest.Reply{Body: genaitest.ChatText})
			var h callbacks.Handler
			if traced {
				tp := sdktrace.NewTracerProvider()
				b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
				h = langchaingohelper.NewHandler(langchaingohelper.WithTracerProvider(tp), langchaingohelper.WithModel("gpt-4o"))
			}
			llm := newLLM(b, fake, h, nil)
			ctx := context.Background()
			msgs := question("What's the weather in Paris?")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := llm.GenerateContent(ctx, msgs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandler measures the handler alone: one model call's start and
// end callbacks, without HTTP.
func BenchmarkHandler(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	h := langchaingohelper.NewHandler(langchaingohelper.WithTracerProvider(tp), langchaingohelper.WithModel("gpt-4o"))
	fake := genaitest.NewServer(b)
	fake.Push(genaitest.Reply{Body: genaitest.ChatText})
	res, err := newLLM(b, fake, nil, nil).GenerateContent(context.Background(), question("x"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	msgs := question("What's the weather in Paris?")
	b.ReportAllocs()
	for b.Loop() {
		h.HandleLLMGenerateContentStart(ctx, msgs)
		h.HandleLLMGenerateContentEnd(ctx, res)
	}
}
