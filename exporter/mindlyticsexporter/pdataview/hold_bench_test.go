package pdataview

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// numbered gives the chat capture's span and records the trace and span
// id of call n.
func numbered(td ptrace.Traces, ld plog.Logs, n int) (ptrace.Traces, plog.Logs) {
	var tid pcommon.TraceID
	var sid pcommon.SpanID
	binary.BigEndian.PutUint64(tid[:], uint64(n)+1)
	binary.BigEndian.PutUint64(sid[:], uint64(n)+1)
	t, l := ptrace.NewTraces(), plog.NewLogs()
	td.CopyTo(t)
	ld.CopyTo(l)
	sp := t.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	sp.SetTraceID(tid)
	sp.SetSpanID(sid)
	for _, lr := range l.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().All() {
		lr.SetTraceID(tid)
		lr.SetSpanID(sid)
	}
	return t, l
}

func benchTranslator(b *testing.B) *Translator {
	tt, err := translate.New(translate.DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	return NewTranslator(tt)
}

// BenchmarkHoldCall is one call of the official OpenAI instrumentation
// (its span, its three records) through the translation: records first
// (nothing waits), and span first (the span waits in the hold until its
// records come), per call.
func BenchmarkHoldCall(b *testing.B) {
	td, ld := otelOpenAI(b, "chat")
	for _, spansFirst := range []bool{false, true} {
		name := "logs-first"
		if spansFirst {
			name = "spans-first-held"
		}
		b.Run(name, func(b *testing.B) {
			tr := benchTranslator(b)
			calls := make([]struct {
				t ptrace.Traces
				l plog.Logs
			}, b.N)
			for i := range calls {
				calls[i].t, calls[i].l = numbered(td, ld, i)
			}
			var events []compact.Event
			b.ResetTimer()
			for _, c := range calls {
				if spansFirst {
					events, _ = tr.Traces(events[:0], c.t)
				}
				events, _ = tr.Logs(events[:0], c.l)
				if !spansFirst {
					events, _ = tr.Traces(events[:0], c.t)
				}
				clear(events)
			}
			b.StopTimer()
			if tr.hold.n != 0 {
				b.Fatalf("%d spans still held", tr.hold.n)
			}
		})
	}
}

// BenchmarkHoldMemory holds maxHeldSpans calls (the bound) of the chat
// capture and reports the heap each held call costs.
func BenchmarkHoldMemory(b *testing.B) {
	td, ld := otelOpenAI(b, "chat")
	spans := make([]ptrace.Traces, maxHeldSpans)
	for i := range spans {
		spans[i], _ = numbered(td, ld, i)
	}
	var perSpan float64
	for b.Loop() {
		tr := benchTranslator(b)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for _, s := range spans {
			tr.hold.admit(s, true, false)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if tr.hold.n != maxHeldSpans {
			b.Fatalf("%d held, want %d", tr.hold.n, maxHeldSpans)
		}
		perSpan += float64(after.HeapAlloc-before.HeapAlloc) / maxHeldSpans
		runtime.KeepAlive(tr)
	}
	b.ReportMetric(perSpan/float64(b.N), "heap-B/held-span")
}

// BenchmarkHoldCheck is what the hold costs a batch of 1,020 model calls
// in which nothing waits: from a scope not known to log content (no
// content seen from any service), and from a known scope whose calls carry
// their messages after all (each span looked at).
func BenchmarkHoldCheck(b *testing.B) {
	for _, scope := range []string{"other-instrumentation", knownScope} {
		b.Run(scope, func(b *testing.B) {
			td := ptrace.NewTraces()
			rs := td.ResourceSpans().AppendEmpty()
			rs.Resource().Attributes().PutStr("service.name", "bench")
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(scope)
			const spans = 1020
			for i := range spans {
				sp := ss.Spans().AppendEmpty()
				sp.SetTraceID(pcommon.TraceID{byte(i >> 8), byte(i), 1})
				sp.SetSpanID(pcommon.SpanID{byte(i >> 8), byte(i), 1})
				_ = sp.Attributes().FromRaw(map[string]any{
					"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
					"gen_ai.usage.input_tokens": 120, "gen_ai.usage.output_tokens": 40,
					"gen_ai.input.messages":  `[{"role":"user","parts":[{"type":"text","content":"Where is my order?"}]}]`,
					"gen_ai.output.messages": `[{"role":"assistant","parts":[{"type":"text","content":"It ships tomorrow."}]}]`,
				})
			}
			h := newSpanHold(time.Now)
			for b.Loop() {
				if out := h.admit(td, true, false); out.SpanCount() != spans {
					b.Fatal("spans held")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spans), "ns/span")
		})
	}
}
