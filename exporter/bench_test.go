package exporter_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

const benchSpans = 100

// benchmarkSpans records a batch of LLM-call spans, as an OTel GenAI
// instrumentation emits them, over ten sessions.
func benchmarkSpans(b *testing.B) []sdktrace.ReadOnlySpan {
	b.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tracer := tp.Tracer("bench")
	for i := range benchSpans {
		_, s := tracer.Start(context.Background(), "chat gpt-4o", trace.WithAttributes(
			semconv.SessionID(fmt.Sprintf("bench-session-%d", i%10)), semconv.UserID("bench-user"),
			semconv.ConversationID(fmt.Sprintf("bench-conv-%d", i%10)),
			semconv.OperationName(semconv.GenAIOperationChat), attribute.String("gen_ai.provider.name", "openai"),
			semconv.RequestModel("gpt-4o"), semconv.ResponseModel("gpt-4o-2024-08-06"),
			semconv.InputTokens(120), semconv.OutputTokens(48),
			attribute.String("gen_ai.input.messages", `[{"role":"system","parts":[{"type":"text","content":"You are a helpful assistant."}]},{"role":"user","parts":[{"type":"text","content":"Where is my order #1234? It was due yesterday."}]}]`),
			attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Your order shipped this morning and should arrive on Friday."}],"finish_reason":"stop"}]`),
		))
		s.End()
	}
	return rec.Ended()
}

// BenchmarkExportSpans compares, per batch of 100 spans, our exporter with
// OTel's own otlptracehttp exporter sending the same spans to a loopback
// sink. "enqueue" is what the caller of ExportSpans pays; "delivered" also
// waits until the events are at the local Mindlytics server, the fair
// comparison with otlptracehttp, which sends synchronously.
func BenchmarkExportSpans(b *testing.B) {
	spans := benchmarkSpans(b)
	ctx := context.Background()

	srv := mindlyticstest.NewServer()
	defer srv.Close()
	// The same comparison with both exporters sending to a sink that only
	// reads the body: the loopback Mindlytics server's validation and
	// recording share the process and the two cores, and count otherwise.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer sink.Close()

	ours := func(base, key, project string, flush bool) func(b *testing.B) {
		return func(b *testing.B) {
			exp, err := exporter.New(ctx, exporter.WithServerBase(base), exporter.WithAPIKey(key),
				exporter.WithProjectID(project), exporter.WithEndOnShutdown(false),
				exporter.WithFlushInterval(50*time.Millisecond))
			if err != nil {
				b.Fatal(err)
			}
			export := func() error {
				if err := exp.ExportSpans(ctx, spans); err != nil || !flush {
					return err
				}
				return exp.ForceFlush(ctx)
			}
			measure(b, export)
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := exp.Shutdown(sctx); err != nil {
				b.Fatal(err)
			}
			srv.Reset()
		}
	}
	b.Run("mindlytics/enqueue", ours(srv.URL, srv.APIKey, srv.ProjectID, false))
	b.Run("mindlytics/delivered", ours(srv.URL, srv.APIKey, srv.ProjectID, true))
	b.Run("mindlytics/delivered-to-sink", ours(sink.URL, "bench-key", "bench", true))
	b.Run("otlptracehttp/delivered-to-sink", func(b *testing.B) {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(sink.URL+"/v1/traces"),
			otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		if err != nil {
			b.Fatal(err)
		}
		measure(b, func() error { return exp.ExportSpans(ctx, spans) })
		_ = exp.Shutdown(ctx)
	})
}

// measure runs export b.N times and reports the time per span; the timer
// stops when it returns.
func measure(b *testing.B, export func() error) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := export(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
	b.StopTimer()
}

// BenchmarkThroughput measures what an app's BatchSpanProcessor gets from
// each exporter: it calls ExportSpans one batch after another. Ours returns
// once the spans are translated and queued, and delivers in the background;
// otlptracehttp returns once its request is answered. The timer stops when
// everything has been delivered (ForceFlush). The sink, which reads and
// discards each body, is a process of its own, so cpu-ns/span is the
// exporting process's CPU alone.
func BenchmarkThroughput(b *testing.B) {
	spans := benchmarkSpans(b)
	ctx := context.Background()
	sink := startSinkProcess(b)
	defer sink.Close()

	ours := func(flushEach bool) func(b *testing.B) {
		return func(b *testing.B) {
			exp, err := exporter.New(ctx, exporter.WithServerBase(sink.URL), exporter.WithAPIKey("bench-key"),
				exporter.WithProjectID("bench"), exporter.WithEndOnShutdown(false))
			if err != nil {
				b.Fatal(err)
			}
			before := sink.Requests(b)
			export := func() error { return exp.ExportSpans(ctx, spans) }
			if flushEach {
				export = func() error {
					if err := exp.ExportSpans(ctx, spans); err != nil {
						return err
					}
					return exp.ForceFlush(ctx)
				}
			}
			throughput(b, export, func() error { return exp.ForceFlush(ctx) })
			requests := sink.Requests(b) - before
			if err := exp.Shutdown(ctx); err != nil {
				b.Fatal(err)
			}
			st := exp.Stats()
			if st.Sent != st.Enqueued || st.Enqueued == 0 {
				b.Fatalf("not everything was delivered: %+v, errors %v", st, exp.Errors())
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		}
	}
	// As a BatchSpanProcessor drives it: batches back to back, flushed at the end.
	b.Run("mindlytics", ours(false))
	// As a serverless handler drives it: ForceFlush after every 100 spans,
	// at the end of each invocation. A flush of a light queue is one request.
	b.Run("mindlytics/flush-every-100", ours(true))
	b.Run("otlptracehttp", func(b *testing.B) {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(sink.URL+"/v1/traces"),
			otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		if err != nil {
			b.Fatal(err)
		}
		before := sink.Requests(b)
		throughput(b, func() error { return exp.ExportSpans(ctx, spans) }, func() error { return nil })
		_ = exp.Shutdown(ctx)
		got := sink.Requests(b) - before
		if got != int64(b.N) {
			b.Fatalf("sink took %d requests for %d exports", got, b.N)
		}
		b.ReportMetric(float64(got)/float64(b.N), "requests/op")
	})
}

// throughput runs export b.N times, then flush, and reports the wall time,
// the spans per second and the process's CPU time per span.
func throughput(b *testing.B, export, flush func() error) {
	b.ReportAllocs()
	cpu := processCPU(b)
	b.ResetTimer()
	for range b.N {
		if err := export(); err != nil {
			b.Fatal(err)
		}
	}
	if err := flush(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu = processCPU(b) - cpu
	spans := float64(b.N * benchSpans)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/spans, "ns/span")
	b.ReportMetric(spans/b.Elapsed().Seconds(), "spans/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/spans, "cpu-ns/span")
}
