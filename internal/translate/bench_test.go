package translate

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/redaction"
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
				conventions.GenAIProviderNameKey.String("openai"), sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"),
				sc.InputTokens(100), sc.OutputTokens(20),
				conventions.GenAIInputMessagesKey.String(inputWeatherJSON), conventions.GenAIOutputMessagesKey.String(outputToolCallJSON)),
			child(base, "execute_tool get_weather", d+2*time.Second, d+2300*time.Millisecond,
				sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("get_weather"),
				sc.ToolCallArguments(`{"city":"Paris"}`), sc.ToolCallResult("rainy")),
			child(base, "chat gpt-4o", d+3*time.Second, d+5*time.Second, sc.OperationName(sc.GenAIOperationChat),
				conventions.GenAIProviderNameKey.String("openai"), sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"),
				sc.InputTokens(150), sc.OutputTokens(30),
				conventions.GenAIInputMessagesKey.String(inputAfterToolJSON), conventions.GenAIOutputMessagesKey.String(outputRainyJSON)),
			child(base, "GET /weather", d+2*time.Second, d+2200*time.Millisecond,
				attribute.String("http.request.method", "GET"), attribute.Int("http.response.status_code", 200)),
		)
	}
	return specs
}

// historySpecs is a batch of chat calls as an assistant late in a
// conversation makes them: the input messages carry a system prompt of
// about 1.5 kB and twelve earlier messages (about 4.5 kB of JSON, with the
// newlines and quotes real text has), the output about 700 bytes.
func historySpecs(calls int) []spanSpec {
	sentence := `The order ships from the \"north\" warehouse; tracking updates every few hours.\n`
	text := func(n int) string { return strings.Repeat(sentence, n) }
	msg := func(role, content string) string {
		return `{"role":"` + role + `","parts":[{"type":"text","content":"` + content + `"}]}`
	}
	in := []string{msg("system", text(18))}
	for i := range 6 {
		in = append(in, msg("user", fmt.Sprintf("Question %d: where is order #%d?", i, 1000+i)), msg("assistant", text(3)))
	}
	in = append(in, msg("user", "And when will it arrive?"))
	input := "[" + strings.Join(in, ",") + "]"
	output := `[{"role":"assistant","parts":[{"type":"text","content":"` + text(9) + `"}],"finish_reason":"stop"}]`
	var specs []spanSpec
	for i := range calls {
		d := time.Duration(i) * time.Second
		specs = append(specs, root("chat gpt-4o", d, d+time.Second, sc.SessionID(fmt.Sprintf("session-%d", i%4)), sc.UserID("user-1"),
			sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"), sc.InputTokens(1500), sc.OutputTokens(180),
			conventions.GenAIInputMessagesKey.String(input), conventions.GenAIOutputMessagesKey.String(output)))
	}
	return specs
}

// BenchmarkTranslate translates a batch per op through each adapter, the
// adapter included, as the front doors do (AppendTranslation, compact
// events), and reports the cost per span: "sdk" is 80 spans of short
// agent runs, "sdk-history" 16 chat calls with a conversation's history.
func BenchmarkTranslate(b *testing.B) {
	res := []attribute.KeyValue{attribute.String("service.name", "bench")}
	spans := recordSpans(b, res, benchSpecs(16)...)
	history := recordSpans(b, res, historySpecs(16)...)
	// "-redacted": the same with the default detectors (WithRedaction of
	// a zero redaction.Config), side by side.
	redacted := func(s *Settings, _ *options) { s.Redaction = &redaction.Config{} }
	for _, bc := range []struct {
		name string
		view func() []spanview.Span
		sets []setting
	}{
		{"sdk", func() []spanview.Span { return spanview.FromReadOnlySpans(spans) }, nil},
		{"sdk-redacted", func() []spanview.Span { return spanview.FromReadOnlySpans(spans) }, []setting{redacted}},
		{"sdk-history", func() []spanview.Span { return spanview.FromReadOnlySpans(history) }, nil},
		{"sdk-history-redacted", func() []spanview.Span { return spanview.FromReadOnlySpans(history) }, []setting{redacted}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := len(bc.view())
			tr := newTranslator(b, bc.sets...)
			if evs, errs := tr.Translate(bc.view()); len(errs) > 0 || len(evs) == 0 {
				b.Fatalf("bad batch: %d events, errors %v", len(evs), errs)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ReportAllocs()
			b.ResetTimer()
			var evs []compact.Event
			for b.Loop() {
				// As the front doors do: the events are encoded and
				// forgotten, and the slice is reused.
				evs, _ = tr.AppendTranslation(evs[:0], bc.view())
				clear(evs)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			perSpan := float64(b.N * n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perSpan, "ns/span")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/perSpan, "allocs/span")
		})
	}
}
