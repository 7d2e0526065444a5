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
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/exporter/queue"
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
	newOurs := func(b *testing.B) *exporter.Exporter {
		exp, err := exporter.New(ctx, exporter.WithServerBase(srv.URL), exporter.WithAPIKey(srv.APIKey),
			exporter.WithProjectID(srv.ProjectID), exporter.WithEndOnShutdown(false),
			exporter.WithQueueOptions(queue.WithFlushInterval(50*time.Millisecond)))
		if err != nil {
			b.Fatal(err)
		}
		return exp
	}
	finish := func(b *testing.B, exp *exporter.Exporter) {
		b.StopTimer()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := exp.Shutdown(sctx); err != nil {
			b.Fatal(err)
		}
		srv.Reset()
	}

	b.Run("mindlytics/enqueue", func(b *testing.B) {
		exp := newOurs(b)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := exp.ExportSpans(ctx, spans); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
		finish(b, exp)
	})
	b.Run("mindlytics/delivered", func(b *testing.B) {
		exp := newOurs(b)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := exp.ExportSpans(ctx, spans); err != nil {
				b.Fatal(err)
			}
			if err := exp.ForceFlush(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
		finish(b, exp)
	})
	// The same comparison with both exporters sending to a sink that only
	// reads the body: the loopback Mindlytics server's validation and
	// recording share the process and the two cores, and count otherwise.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer sink.Close()
	b.Run("mindlytics/delivered-to-sink", func(b *testing.B) {
		exp, err := exporter.New(ctx, exporter.WithServerBase(sink.URL), exporter.WithAPIKey("bench-key"),
			exporter.WithProjectID("bench"), exporter.WithEndOnShutdown(false))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := exp.ExportSpans(ctx, spans); err != nil {
				b.Fatal(err)
			}
			if err := exp.ForceFlush(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
		b.StopTimer()
		if err := exp.Shutdown(ctx); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("otlptracehttp/delivered-to-sink", func(b *testing.B) {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(sink.URL+"/v1/traces"),
			otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := exp.ExportSpans(ctx, spans); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSpans), "ns/span")
		b.StopTimer()
		_ = exp.Shutdown(ctx)
	})
}
