package pdataview

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// The collector load's shape (collectore2e TestLoad): agent runs of three
// spans over loadSessions sessions that each see run after run, every run
// a new trace, in batches of about what the batch processor sends on.
const (
	loadSessions = 10_000
	loadRuns     = 340 // 1,020 spans a batch
)

// loadBatch is runs first … first+loadRuns-1 of the load: an invoke_agent
// span, a chat span with messages and usage, an execute_tool span each;
// run n belongs to session n mod loadSessions. The batch is decoded from
// its protobuf encoding, as the OTLP receiver gives it: every key and value
// a string of its own, not the constants it was built from (equal
// pointers would spare the translation's key compares).
func loadBatch(first int) ptrace.Traces {
	built, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(buildLoadBatch(first))
	if err != nil {
		panic(err)
	}
	td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(built)
	if err != nil {
		panic(err)
	}
	return td
}

func buildLoadBatch(first int) ptrace.Traces {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "load-agent")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i := range loadRuns {
		n := first + i
		traceID := pcommon.TraceID{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 0x10, 0xad}
		session := fmt.Sprintf("load-%05d", n%loadSessions)
		at := base.Add(time.Duration(n) * time.Millisecond)
		add := func(id, parent byte, name string, start, end time.Duration, attrs map[string]any) {
			sp := spans.AppendEmpty()
			sp.SetTraceID(traceID)
			sp.SetSpanID(pcommon.SpanID{id, byte(n >> 16), byte(n >> 8), byte(n)})
			if parent != 0 {
				sp.SetParentSpanID(pcommon.SpanID{parent, byte(n >> 16), byte(n >> 8), byte(n)})
			}
			sp.SetName(name)
			sp.SetStartTimestamp(pcommon.NewTimestampFromTime(at.Add(start)))
			sp.SetEndTimestamp(pcommon.NewTimestampFromTime(at.Add(end)))
			attrs[string(semconv.SessionIDKey)] = session
			attrs[string(semconv.UserIDKey)] = "user-" + session
			if err := sp.Attributes().FromRaw(attrs); err != nil {
				panic(err)
			}
		}
		add(1, 0, "invoke_agent support", 0, 900*time.Microsecond, map[string]any{
			string(semconv.OperationNameKey): semconv.GenAIOperationInvokeAgent, "gen_ai.agent.name": "support",
		})
		add(2, 1, "chat gpt-4o", 100*time.Microsecond, 500*time.Microsecond, map[string]any{
			string(semconv.OperationNameKey):           semconv.GenAIOperationChat,
			string(semconv.RequestModelKey):            "gpt-4o",
			string(semconv.InputTokensKey):             120,
			string(semconv.OutputTokensKey):            40,
			string(conventions.GenAIInputMessagesKey):  `[{"role":"user","parts":[{"type":"text","content":"Where is my order #` + strconv.Itoa(n) + `?"}]}]`,
			string(conventions.GenAIOutputMessagesKey): `[{"role":"assistant","parts":[{"type":"text","content":"It ships tomorrow."}],"finish_reason":"stop"}]`,
		})
		add(3, 1, "execute_tool order_status", 600*time.Microsecond, 800*time.Microsecond, map[string]any{
			string(semconv.OperationNameKey):     semconv.GenAIOperationExecuteTool,
			string(semconv.ToolNameKey):          "order_status",
			string(semconv.ToolCallArgumentsKey): `{"order":` + strconv.Itoa(n) + `}`,
			string(semconv.ToolCallResultKey):    "shipping",
		})
	}
	return td
}

// BenchmarkTranslatorLoad is the collector's translation on the load: a
// batch of 1,020 spans per op through the Translator as the exporter runs
// it without a logs pipeline (the view, the translation, compact events),
// after a warm-up pass over every session, so that sessions are open as in
// a collector under the load for a while. The batches are built with the
// timer stopped.
func BenchmarkTranslatorLoad(b *testing.B) {
	tr := benchTranslator(b)
	tr.SpansOnly(true)
	var events []compact.Event
	n := 0
	for ; n < loadSessions; n += loadRuns {
		events, _ = tr.Traces(events[:0], loadBatch(n))
		clear(events)
	}
	// Every batch is built before the timer starts, so that an instruction
	// count of the whole run (callgrind, two values of -test.benchtime)
	// differs only by the translation of the extra batches.
	batches := make([]ptrace.Traces, b.N)
	for i := range batches {
		batches[i] = loadBatch(n)
		n += loadRuns
	}
	got := 0
	b.ResetTimer()
	for _, td := range batches {
		var errs []error
		events, errs = tr.Traces(events[:0], td)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		got += len(events)
		clear(events)
	}
	b.StopTimer()
	// A run of an open session makes its turn and its function: a batch
	// that made fewer lost events.
	if want := b.N * loadRuns * 2; got < want {
		b.Fatalf("%d events, want at least %d", got, want)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*loadRuns*3), "ns/span")
}

// BenchmarkTranslatorLoadBatches builds BenchmarkTranslatorLoad's batches
// and nothing else: an instruction count of the translation alone is the
// difference of the two.
func BenchmarkTranslatorLoadBatches(b *testing.B) {
	n := loadSessions
	batches := make([]ptrace.Traces, b.N)
	for i := range batches {
		batches[i] = loadBatch(n)
		n += loadRuns
	}
	if batches[b.N-1].SpanCount() != loadRuns*3 {
		b.Fatal("a batch short of spans")
	}
}
