package translate

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// benchSpecs is a realistic batch: per trace an agent wrapper, a tool-only
// model call, a tool call, the answering model call and an HTTP span, in
// several sessions; only the wrapper carries the identity.
func benchSpecs(traces int) []spanSpec {
	var specs []spanSpec
	for i := range traces {
		base := len(specs)
		d := time.Duration(i) * 10 * time.Second
		specs = append(specs,
			root("invoke_agent support", d, d+6*time.Second, sc.SessionID(fmt.Sprintf("session-%d", i%4)), sc.UserID("user-1"),
				sc.OperationName(sc.GenAIOperationInvokeAgent), sc.AgentID("support-bot"), sc.InputTokens(250), sc.OutputTokens(50)),
			child(base, "chat gpt-4o", d+time.Second, d+2*time.Second, sc.OperationName(sc.GenAIOperationChat),
				sc.GenAIProviderNameKey.String("openai"), sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"),
				sc.InputTokens(100), sc.OutputTokens(20),
				sc.GenAIInputMessagesKey.String(inputWeatherJSON), sc.GenAIOutputMessagesKey.String(outputToolCallJSON)),
			child(base, "execute_tool get_weather", d+2*time.Second, d+2300*time.Millisecond,
				sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("get_weather"),
				sc.ToolCallArguments(`{"city":"Paris"}`), sc.ToolCallResult("rainy")),
			child(base, "chat gpt-4o", d+3*time.Second, d+5*time.Second, sc.OperationName(sc.GenAIOperationChat),
				sc.GenAIProviderNameKey.String("openai"), sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"),
				sc.InputTokens(150), sc.OutputTokens(30),
				sc.GenAIInputMessagesKey.String(inputAfterToolJSON), sc.GenAIOutputMessagesKey.String(outputRainyJSON)),
			child(base, "GET /weather", d+2*time.Second, d+2200*time.Millisecond,
				attribute.String("http.request.method", "GET"), attribute.Int("http.response.status_code", 200)),
		)
	}
	return specs
}

// BenchmarkTranslate translates a batch of 80 spans per op through each
// adapter, the adapter included, as the front doors do (AppendTranslation,
// compact events), and reports the cost per span.
func BenchmarkTranslate(b *testing.B) {
	spans := recordSpans(b, []attribute.KeyValue{attribute.String("service.name", "bench")}, benchSpecs(16)...)
	for _, bc := range []struct {
		name string
		view func() []Span
	}{
		{"sdk", func() []Span { return FromReadOnlySpans(spans) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tr := newTranslator(b)
			if evs, errs := tr.Translate(bc.view()); len(errs) > 0 || len(evs) == 0 {
				b.Fatalf("bad batch: %d events, errors %v", len(evs), errs)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ReportAllocs()
			b.ResetTimer()
			var evs []mindlytics.Event
			for b.Loop() {
				// As the front doors do: the events are encoded and
				// forgotten, and the slice is reused.
				evs, _ = tr.AppendTranslation(evs[:0], bc.view())
				clear(evs)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			perSpan := float64(b.N * len(spans))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perSpan, "ns/span")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/perSpan, "allocs/span")
		})
	}
}
