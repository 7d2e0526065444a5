package mcphelper_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkToolCall measures one tools/call over in-memory transports,
// bare and with the helper on both sides; spans are recorded by an SDK
// TracerProvider and dropped, so the difference is the helper's own cost.
func BenchmarkToolCall(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := "bare"
		if traced {
			name = "helper"
		}
		b.Run(name, func(b *testing.B) {
			var tp *sdktrace.TracerProvider
			if traced {
				tp = sdktrace.NewTracerProvider()
				b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			}
			server := weatherServer(nil, nil)
			if traced {
				server = weatherServer(tp, nil)
			}
			cs := connect(b, server, nil)
			if traced {
				cs = connect(b, server, tp)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := callWeather(ctx, cs, "Paris"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
