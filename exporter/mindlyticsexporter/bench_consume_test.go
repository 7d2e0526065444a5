package mindlyticsexporter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// benchTraces is collectore2e/bench_test.go's load: runs agent runs of three
// spans (invoke_agent, chat with messages and usage, execute_tool), each
// its own session, numbered from first.
func benchTraces(first, runs int) ptrace.Traces {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bench-agent")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i := range runs {
		n := first + i
		traceID := pcommon.TraceID{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 0xbe, 0x0c}
		session := fmt.Sprintf("bench-%07d", n)
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
			_ = sp.Attributes().FromRaw(attrs)
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

// benchEventsPerRun is what an agent run of benchTraces makes: start_session,
// Conversation Started, Conversation Turn, Conversation Function.
const benchEventsPerRun = 4

// BenchmarkCollectorStages splits what the exporter does with a batch of
// 1 020 spans (340 runs): the pdata view, the translation, the encoding.
func BenchmarkCollectorStages(b *testing.B) {
	const runs = 340
	cfg := createDefaultConfig().(*Config)
	cfg.Lifecycle.MaxOpenSessions, cfg.Lifecycle.MaxOpenConversations = 1<<30, 1<<30
	b.Run("view", func(b *testing.B) {
		td := benchTraces(0, runs)
		for b.Loop() {
			_ = pdataview.Traces(td)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*runs*3), "ns/span")
	})
	b.Run("translate+encode", func(b *testing.B) {
		tr, err := newTranslation(cfg)
		if err != nil {
			b.Fatal(err)
		}
		tr.(spansOnly).SpansOnly(true) // as in a collector without a logs pipeline
		var encodeTime time.Duration
		var events []compact.Event
		for n := 0; n < b.N; n++ {
			b.StopTimer()
			td := benchTraces(n*runs, runs)
			b.StartTimer()
			// As core.consumeTraces does: the events' array is reused.
			events, _ = tr.Traces(events[:0], td)
			t0 := time.Now()
			buf := make([]byte, 0, len(events)*encodedSizeHint)
			for _, ev := range events {
				buf, _ = ev.AppendJSON(buf)
			}
			encodeTime += time.Since(t0)
			clear(events)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*runs*3), "ns/span")
		b.ReportMetric(float64(encodeTime.Nanoseconds())/float64(b.N*runs*3), "encode-ns/span")
	})
}

// BenchmarkCollectorConsume is the whole exporter on the load: translation,
// encoding, the queue and delivery to a loopback sink that discards.
func BenchmarkCollectorConsume(b *testing.B) {
	const runs = 340
	var delivered atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// Every event the encoder writes starts so, and a JSON string
		// cannot hold it unescaped.
		delivered.Add(int64(bytes.Count(body, []byte(`{"type":`))))
		_, _ = io.WriteString(w, `{"status":"queued"}`) // 200, as the contract answers
	}))
	defer sink.Close()
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = sink.URL
	cfg.APIKey, cfg.ProjectID = "k", "p"
	cfg.Lifecycle.MaxOpenSessions, cfg.Lifecycle.MaxOpenConversations = 1<<30, 1<<30
	set := exportertest.NewNopSettings(metadata.Type)
	tr, err := newTranslation(cfg)
	if err != nil {
		b.Fatal(err)
	}
	c, err := newCore(context.Background(), cfg, set, tr)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		td := benchTraces(n*runs, runs)
		b.StartTimer()
		if err := c.consumeTraces(context.Background(), td); err != nil {
			b.Fatal(err)
		}
	}
	// Timed until every event was delivered; the end of every session
	// opened here (EndAll at shutdown) is not per-span work, and in the
	// collector benchmark sessions stay open too.
	deadline := time.Now().Add(time.Minute)
	for want := int64(b.N * runs * benchEventsPerRun); delivered.Load() < want; {
		if time.Now().After(deadline) {
			b.Fatalf("the sink got %d of %d events", delivered.Load(), want)
		}
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	if err := c.shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*runs*3), "ns/span")
}

// BenchmarkOpenSessionsHeld measures what the translation holds for the
// sessions a collector keeps open (the throughput benchmark's 120,000 agent
// runs, each its own session): heap bytes and objects per open session,
// and the time of a full garbage collection with them held, which the
// collector pays again at every cycle.
func BenchmarkOpenSessionsHeld(b *testing.B) {
	const runs, perBatch = 120_000, 340
	cfg := createDefaultConfig().(*Config)
	cfg.Lifecycle.MaxOpenSessions, cfg.Lifecycle.MaxOpenConversations = 1<<30, 1<<30
	var bytes, objects, gcTime float64
	for b.Loop() {
		tr, err := newTranslation(cfg)
		if err != nil {
			b.Fatal(err)
		}
		tr.(spansOnly).SpansOnly(true)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var events []compact.Event
		for n := 0; n < runs; n += perBatch {
			events, _ = tr.Traces(events[:0], benchTraces(n, perBatch))
			clear(events)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		t0 := time.Now()
		runtime.GC()
		gcTime += float64(time.Since(t0).Nanoseconds())
		open := float64(tr.Stats().OpenSessions)
		bytes += float64(after.HeapAlloc-before.HeapAlloc) / open
		objects += float64(after.HeapObjects-before.HeapObjects) / open
		runtime.KeepAlive(tr)
	}
	b.ReportMetric(bytes/float64(b.N), "heap-B/session")
	b.ReportMetric(objects/float64(b.N), "heap-objects/session")
	b.ReportMetric(gcTime/float64(b.N)/1e6, "gc-ms")
}
