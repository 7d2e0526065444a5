package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
// the last session's end delivered.
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
	env := map[string]string{"MLSDK_API_KEY": srv.APIKey, "MLSDK_PROJECT_ID": srv.ProjectID, "MLSDK_SERVER_BASE": srv.URL}
	b.SetBytes(int64(file.Len()))
	b.ResetTimer()
	for b.Loop() {
		srv.Reset()
		if code := run(context.Background(), []string{"--quiet", path}, func(k string) string { return env[k] }, io.Discard, io.Discard, false); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(b.N*benchLines*benchSpans)/b.Elapsed().Seconds(), "spans/s")
}
