package bedrockhelper_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// BenchmarkConverse measures one call through the bare client and through
// the helper, on the same fake server; spans are recorded by an SDK
// TracerProvider and dropped, so the difference is the helper's own cost.
func BenchmarkConverse(b *testing.B) {
	for _, bb := range []struct {
		name   string
		reply  genaitest.Reply
		stream bool
	}{
		{"json", genaitest.Reply{Body: genaitest.BedrockText}, false},
		{"stream", genaitest.Reply{Events: genaitest.BedrockTextStream, ContentType: genaitest.BedrockEventStream}, true},
	} {
		for _, traced := range []bool{false, true} {
			name := bb.name + "/bare"
			if traced {
				name = bb.name + "/helper"
			}
			b.Run(name, func(b *testing.B) {
				fake := genaitest.NewServer(b)
				fake.Always(bb.reply)
				var p *genaitest.Pipeline
				if traced {
					tp := sdktrace.NewTracerProvider()
					b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
					p = &genaitest.Pipeline{TP: tp}
				}
				client := newClient(fake, p)
				ctx := context.Background()
				in := converseInput(userText("What's the weather in Paris?"))
				b.ReportAllocs()
				for b.Loop() {
					if !bb.stream {
						if _, err := client.Converse(ctx, in); err != nil {
							b.Fatal(err)
						}
						continue
					}
					out, err := client.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{ModelId: in.ModelId,
						Messages: in.Messages, System: in.System, InferenceConfig: in.InferenceConfig, ToolConfig: in.ToolConfig})
					if err != nil {
						b.Fatal(err)
					}
					for range out.GetStream().Events() {
					}
					_ = out.GetStream().Close()
				}
			})
		}
	}
}
