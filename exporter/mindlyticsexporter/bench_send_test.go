package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
)

// benchLoadEvents is the events the translation makes of one batch of the
// load (340 agent runs, 1 020 spans).
func benchLoadEvents(b *testing.B) []compact.Event {
	cfg := createDefaultConfig().(*Config)
	cfg.Lifecycle.MaxOpenSessions, cfg.Lifecycle.MaxOpenConversations = 1<<30, 1<<30
	tr, err := newTranslation(cfg)
	if err != nil {
		b.Fatal(err)
	}
	tr.(spansOnly).SpansOnly(true)
	events, errs := tr.Traces(nil, benchTraces(0, 340))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return events
}

// BenchmarkEncodeLoad is enqueue's encoding of the load's events into one
// batch buffer, reported per event.
func BenchmarkEncodeLoad(b *testing.B) {
	events := benchLoadEvents(b)
	buf := make([]byte, 0, len(events)*encodedSizeHint)
	keys := make([]uint32, 0, len(events))
	b.ResetTimer()
	for b.Loop() {
		buf, keys = buf[:0], keys[:0]
		for i := range events {
			start := len(buf)
			var err error
			if buf, err = events[i].AppendJSON(buf); err != nil {
				b.Fatal(err)
			}
			keys = append(keys, encodedKey(&events[i], buf[start:])) // the session keys, as enqueue takes them
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}

// BenchmarkSendLoad is the sending of the load's encoded events: push's
// delivery (slots or partitions, requests) through the exporter's HTTP client
// (confighttp's) to a sink. The sink is the server at
// MINDLYTICS_BENCH_SINK when set (another process, so that an instruction
// count of the benchmark holds only the client), else a loopback server in
// this process.
func BenchmarkSendLoad(b *testing.B) {
	url := os.Getenv("MINDLYTICS_BENCH_SINK")
	if url == "" {
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = io.WriteString(w, `{"status":"queued"}`)
		}))
		defer sink.Close()
		url = sink.URL
	}
	var encoded []json.RawMessage
	var keys []uint32
	events := benchLoadEvents(b)
	for i := range events {
		raw, err := events[i].AppendJSON(nil)
		if err != nil {
			b.Fatal(err)
		}
		encoded = append(encoded, raw)
		keys = append(keys, encodedKey(&events[i], raw)) // as enqueue does
	}
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = url
	cfg.APIKey, cfg.ProjectID = "k", "p"
	tr, err := newTranslation(cfg)
	if err != nil {
		b.Fatal(err)
	}
	c, err := newCore(context.Background(), cfg, exportertest.NewNopSettings(metadata.Type), tr)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = c.shutdown(context.Background()) }()
	b.ResetTimer()
	for b.Loop() {
		// As the queue's consumers push: in turn when the queue is
		// pipelined (the default), else directly.
		r := newEventsRequest(encoded)
		r.keys = keys
		if c.turns != nil {
			r.seq = c.turns.take()
		}
		if err := c.push(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(encoded)), "ns/event")
}
