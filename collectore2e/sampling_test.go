package collectore2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestSamplingEveryConversationToMindlytics runs sampling.yaml: 1,000
// conversations, one trace each, sent by an application that samples
// nothing away. Every conversation reaches Mindlytics, each exactly as
// local.yaml makes it, while the tracing backend (an OTLP/HTTP sink) gets
// the whole traces of tail_sampling's 1 % and nothing else.
func TestSamplingEveryConversationToMindlytics(t *testing.T) {
	const n, spansPerTrace = 1000, 5 // conventionSession's spans
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	sink := newTraceSink(t)
	metricsPort := freePort(t)
	col := startCollector(t, collectorSpec{
		name:   "sampling",
		config: "sampling.yaml",
		env:    append(mindlyticsEnv(srv), "TRACING_OTLP_ENDPOINT="+sink.url),
		sets: []string{
			"processors.tail_sampling.decision_wait=1s",
			// tail_sampling's decision count says when every trace is decided.
			"service.telemetry.metrics.level=normal",
			fmt.Sprintf(`service.telemetry.metrics.readers=[{pull: {exporter: {prometheus: {host: "127.0.0.1", port: %d}}}}]`, metricsPort),
		},
	})

	// Seeded ids: which traces the policy keeps is the same on every run.
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpoint(col.http), otlptracehttp.WithInsecure())
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(
		// Only ForceFlush exports: each request holds whole traces.
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Hour), sdktrace.WithMaxQueueSize(4096), sdktrace.WithMaxExportBatchSize(1024)),
		sdktrace.WithIDGenerator(testkit.NewSeededIDs(26)),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "e2e-chatbot"))),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()
	em := &emitter{tp: tp, tracer: tp.Tracer("e2e")}
	for i := range n {
		id := fmt.Sprintf("sampled-%04d", i)
		em.conventionSession(id, "u-"+id, base.Add(time.Duration(i)*time.Minute))
		if i%100 == 99 {
			em.flush(t)
		}
	}

	ctx := testkit.Context(t, 3*time.Minute)
	_, err = srv.WaitForEvents(ctx, 7*n)
	require.NoError(t, err, "every conversation at Mindlytics")
	decided := func() int { return tracesDecided(t, metricsPort) }
	for decided() < n {
		require.NoError(t, ctx.Err(), "tail_sampling decided %d traces of %d", decided(), n)
		time.Sleep(200 * time.Millisecond)
	}
	col.stop() // drains the tracing exporter's queue

	for i := range n {
		id := fmt.Sprintf("sampled-%04d", i)
		requireEvents(t, wantConventionSession(t, id, "u-"+id, base.Add(time.Duration(i)*time.Minute)), srv.SessionEvents(id), "session %s", id)
	}
	assert.Len(t, srv.Events(), 7*n, "nothing else, nothing twice")
	assert.Empty(t, srv.Violations())

	traces := sink.traces()
	t.Logf("1,000 conversations, tail sampling at 1 %%: the tracing backend got %d traces, Mindlytics %d sessions (%d events)",
		len(traces), len(srv.Sessions()), len(srv.Events()))
	for id, spans := range traces {
		assert.Equal(t, spansPerTrace, spans, "trace %s whole", id)
	}
	// A binomial(1000, 0.01) count; the seeded ids make it the same on every run.
	assert.GreaterOrEqual(t, len(traces), 2)
	assert.LessOrEqual(t, len(traces), 30)
}

// tracesDecided reads the collector's internal metrics: how many traces
// tail_sampling has decided (sampled or not).
func tracesDecided(t *testing.T, port int) int {
	t.Helper()
	client := http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		return 0 // not serving yet
	}
	defer resp.Body.Close()
	total := 0.0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "otelcol_processor_tail_sampling_global_count_traces_sampled") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		require.NoError(t, err, line)
		total += v
	}
	require.NoError(t, sc.Err())
	return int(total)
}

// traceSink is the tracing backend: an OTLP/HTTP endpoint that counts the
// spans of each trace it receives.
type traceSink struct {
	url string
	mu  sync.Mutex
	per map[trace.TraceID]int
}

func newTraceSink(t *testing.T) *traceSink {
	t.Helper()
	s := &traceSink{per: map[trace.TraceID]int{}}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	s.url = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return s
}

func (s *traceSink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil && r.Header.Get("Content-Encoding") == "gzip" {
		body, err = gunzip(body)
	}
	req := ptraceotlp.NewExportRequest()
	if err == nil {
		err = req.UnmarshalProto(body)
	}
	if err != nil || r.URL.Path != "/v1/traces" {
		http.Error(w, fmt.Sprintf("not OTLP traces on %s: %v", r.URL.Path, err), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	rss := req.Traces().ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				s.per[trace.TraceID(spans.At(k).TraceID())]++
			}
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := ptraceotlp.NewExportResponse().MarshalProto()
	_, _ = w.Write(b)
}

// traces returns the span count of each trace received.
func (s *traceSink) traces() map[trace.TraceID]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[trace.TraceID]int, len(s.per))
	for id, c := range s.per {
		out[id] = c
	}
	return out
}
