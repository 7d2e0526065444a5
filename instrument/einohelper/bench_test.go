package einohelper_test

import (
	"context"
	"testing"

	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/einohelper"
)

// BenchmarkAgentAnswer measures one ReAct agent run answered by one model
// call (the fake model, no HTTP), without callbacks and with the handler;
// spans are recorded by an SDK TracerProvider and dropped, so the
// difference is the handler's own cost.
func BenchmarkAgentAnswer(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := "bare"
		if traced {
			name = "helper"
		}
		b.Run(name, func(b *testing.B) {
			a := newAgent(b, &fakeModel{always: answerReply()})
			var opts []agent.AgentOption
			if traced {
				tp := sdktrace.NewTracerProvider()
				b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
				h := einohelper.NewHandler(einohelper.WithTracerProvider(tp), einohelper.WithModel("gpt-4o"))
				opts = append(opts, agent.WithComposeOptions(compose.WithCallbacks(h)))
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Generate(ctx, question(), opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
