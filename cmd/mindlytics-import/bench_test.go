package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// BenchmarkImport replays a file of benchLines lines of benchSpans turn
// spans each (one session per span, as a busy collector's batches hold)
// into the loopback Mindlytics: the whole program, from reading the file to
// the last session's end delivered; one record at a time (batch=1) and in
// batches of the default size.
func BenchmarkImport(b *testing.B) {
	const benchLines, benchSpans = 50, 100
	var file bytes.Buffer
	for l := range benchLines {
		td := ptrace.NewTraces()
		spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
		for s := range benchSpans {
			sp := spans.AppendEmpty()
			sp.SetName(semconv.ChatSpanName("gpt-4o"))
			sp.SetTraceID(pcommon.TraceID{1, byte(l), byte(s)})
			sp.SetSpanID(pcommon.SpanID{2, byte(l), byte(s)})
			at := base.Add(time.Duration(l*benchSpans+s) * time.Second)
			sp.SetStartTimestamp(pcommon.NewTimestampFromTime(at))
			sp.SetEndTimestamp(pcommon.NewTimestampFromTime(at.Add(time.Second)))
			putAttrs(sp.Attributes(), semconv.SessionID(fmt.Sprintf("s-%d-%d", l, s)), semconv.UserID("u"),
				semconv.MindlyticsEvent(semconv.EventTurn),
				semconv.TurnUser("Where is my order? It was due on Monday."), semconv.TurnAssistant("It ships tomorrow, sorry for the wait."))
		}
		line, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
		if err != nil {
			b.Fatal(err)
		}
		file.Write(line)
		file.WriteByte('\n')
	}
	path := filepath.Join(b.TempDir(), "traces.json")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	var sunk atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// Every event the exporter encodes starts so; a JSON string cannot
		// hold it unescaped.
		sunk.Add(int64(bytes.Count(body, []byte(`{"type":`))))
		_, _ = io.WriteString(w, `{"status":"queued"}`)
	}))
	defer sink.Close()
	const events = benchLines * benchSpans * 5
	for _, svc := range []struct {
		name    string
		url     string
		latency time.Duration
		reset   func()
		got     func() int
	}{
		// The loopback Mindlytics checks every request against the
		// contract and keeps every event: most of the run's CPU.
		{"loopback", srv.URL, 0, srv.Reset, func() int { return len(srv.Events()) }},
		// The same, each request answered after 20 ms, as a distant service.
		{"loopback+20ms", srv.URL, 20 * time.Millisecond, srv.Reset, func() int { return len(srv.Events()) }},
		// A sink that only counts the events: the import's own cost.
		{"sink", sink.URL, 0, func() { sunk.Store(0) }, func() int { return int(sunk.Load()) }},
	} {
		env := map[string]string{"MLSDK_API_KEY": srv.APIKey, "MLSDK_PROJECT_ID": srv.ProjectID, "MLSDK_SERVER_BASE": svc.url}
		// batch=1 hands the exporter one record at a time, as the import
		// did before batches (the records are still read ahead).
		for _, batch := range []int{1, defaultBatch} {
			b.Run(fmt.Sprintf("service=%s/batch=%d", svc.name, batch), func(b *testing.B) {
				b.SetBytes(int64(file.Len()))
				for b.Loop() {
					svc.reset()
					srv.SetLatency(svc.latency)
					args := []string{"--quiet", "--batch", fmt.Sprint(batch), path}
					if code := run(context.Background(), args, func(k string) string { return env[k] }, io.Discard, io.Discard, false); code != exitOK {
						b.Fatalf("exit %d", code)
					}
				}
				b.StopTimer()
				if got := svc.got(); got != events {
					b.Fatalf("%d events at the service, want %d", got, events)
				}
				b.ReportMetric(float64(b.N*benchLines*benchSpans)/b.Elapsed().Seconds(), "spans/s")
			})
		}
	}
}
