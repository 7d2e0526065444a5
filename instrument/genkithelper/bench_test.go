package genkithelper_test

import (
	"context"
	"testing"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/genkithelper"
)

// BenchmarkGenerate measures one genkit.Generate answered by a fake model
// (no tools, no HTTP) with Genkit's spans on an SDK TracerProvider, without
// and with the helper's processor; spans are dropped, so the difference is
// the helper's own cost (reading Genkit's JSON and making the GenAI span).
func BenchmarkGenerate(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := "bare"
		if traced {
			name = "helper"
		}
		b.Run(name, func(b *testing.B) {
			prev := otel.GetTracerProvider()
			b.Cleanup(func() { otel.SetTracerProvider(prev) })
			tp := sdktrace.NewTracerProvider()
			b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			otel.SetTracerProvider(tp)
			if traced {
				if err := genkithelper.Register(tp); err != nil {
					b.Fatal(err)
				}
			}
			g := genkit.Init(context.Background())
			m := genkit.DefineModel(g, "fake/bench-model", &ai.ModelOptions{Supports: &ai.ModelSupports{Multiturn: true}},
				func(context.Context, *ai.ModelRequest, ai.ModelStreamCallback) (*ai.ModelResponse, error) {
					return &ai.ModelResponse{Message: ai.NewModelTextMessage("The weather in Paris is rainy, 57°F."),
						FinishReason: ai.FinishReasonStop, Usage: &ai.GenerationUsage{InputTokens: 82, OutputTokens: 17}}, nil
				})
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := genkit.Generate(ctx, g, ai.WithModel(m), ai.WithPrompt("What's the weather in Paris?")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
