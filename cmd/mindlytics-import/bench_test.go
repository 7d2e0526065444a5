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
	var sunk, sinkRequests atomic.Int64
	var sinkLatency atomic.Int64 // time.Duration
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select { // a distant service's round trip
		case <-time.After(time.Duration(sinkLatency.Load())):
		case <-r.Context().Done():
			return
		}
		// Every event the exporter encodes starts so; a JSON string cannot
		// hold it unescaped.
		sunk.Add(int64(bytes.Count(body, []byte(`{"type":`))))
		sinkRequests.Add(1)
		_, _ = io.WriteString(w, `{"status":"queued"}`)
	}))
	defer sink.Close()
	loopbackEvents := func() (int, int) { return len(srv.Events()), len(srv.Requests()) }
	sinkEvents := func() (int, int) { return int(sunk.Load()), int(sinkRequests.Load()) }
	const events = benchLines * benchSpans * 5
	for _, svc := range []struct {
		name    string
		url     string
		latency time.Duration
		got     func() (events, requests int) // of the last import
	}{
		// The loopback Mindlytics checks every request against the
		// contract and keeps every event: most of the run's CPU.
		{"loopback", srv.URL, 0, loopbackEvents},
		// A sink that only counts the events: the import's own cost.
		{"sink", sink.URL, 0, sinkEvents},
		// The sink answering each request after 20 ms, as a distant
		// service does.
		{"sink+20ms", sink.URL, 20 * time.Millisecond, sinkEvents},
	} {
		env := map[string]string{"MLSDK_API_KEY": srv.APIKey, "MLSDK_PROJECT_ID": srv.ProjectID, "MLSDK_SERVER_BASE": svc.url}
		// batch=1 hands the exporter one record at a time, as the import
		// did before batches (the records are still read ahead); in-flight
		// is the exporter's requests_in_flight (16 by default, 4 in process).
		for _, c := range []struct{ batch, inFlight int }{{1, 4}, {defaultBatch, 4}, {1, 16}, {defaultBatch, 16}} {
			if c.inFlight != 4 && svc.latency == 0 {
				continue // more requests side by side matter only for a distant service
			}
			cfg := filepath.Join(b.TempDir(), "mindlytics.yaml")
			if err := os.WriteFile(cfg, fmt.Appendf(nil, "requests_in_flight: %d\n", c.inFlight), 0o600); err != nil {
				b.Fatal(err)
			}
			batch := c.batch
			b.Run(fmt.Sprintf("service=%s/batch=%d/in-flight=%d", svc.name, batch, c.inFlight), func(b *testing.B) {
				sinkLatency.Store(int64(svc.latency))
				b.SetBytes(int64(file.Len()))
				cpu := processCPU()
				for b.Loop() {
					srv.Reset()
					sunk.Store(0)
					sinkRequests.Store(0)
					args := []string{"--quiet", "--batch", fmt.Sprint(batch), "--config", cfg, path}
					if code := run(context.Background(), args, func(k string) string { return env[k] }, io.Discard, io.Discard, false); code != exitOK {
						b.Fatalf("exit %d", code)
					}
				}
				cpu = processCPU() - cpu
				b.StopTimer()
				got, requests := svc.got()
				if got != events {
					b.Fatalf("%d events at the service, want %d", got, events)
				}
				b.ReportMetric(float64(requests), "requests/op")
				b.ReportMetric(float64(b.N*benchLines*benchSpans)/b.Elapsed().Seconds(), "spans/s")
				// CPU of the whole process (the service's included), which
				// the machine's other load does not inflate as it does the
				// time.
				b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
