package mcpgohelper_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// BenchmarkToolCall measures one tools/call over streamable HTTP on loopback,
// bare and with the helper on both sides; spans are recorded by an SDK
// TracerProvider and dropped, so the difference is the helper's own cost.
func BenchmarkToolCall(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := "bare"
		if traced {
			name = "helper"
		}
		b.Run(name, func(b *testing.B) {
			var tp trace.TracerProvider // nil: bare
			if traced {
				sdk := sdktrace.NewTracerProvider()
				b.Cleanup(func() { _ = sdk.Shutdown(context.Background()) })
				tp = sdk
			}
			cs := connect(b, weatherServer(b, tp, nil), tp)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := callTool(ctx, cs, "get_weather", "Paris"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
