package collectore2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// The load benchmark (TestLoad) runs when MINDLYTICS_BENCH_LOAD is set;
// `make bench-collector` sets it. Its knobs:
const (
	envLoad = "MINDLYTICS_BENCH_LOAD"
	// envLoadSeconds is how long each run sends (default 20).
	envLoadSeconds = "MINDLYTICS_BENCH_SECONDS"
	// envLoadCases lists the cases, comma-separated (default all of
	// loadCases, in that order).
	envLoadCases = "MINDLYTICS_BENCH_CASES"
	// envBenchRounds (bench_test.go) is how many interleaved rounds run
	// (default 3); envBenchOut names a file the tables are appended to;
	// envBenchSet adds --set values to every case (a pprof extension, say,
	// in a build that has one).
)

// The load's shape, the issue's: loadSenders OTLP/HTTP clients sending
// requests of loadRunsPerRequest agent runs of three spans (384 spans), as
// fast as the collector takes them, over loadSessions sessions that each
// see run after run.
const (
	loadSenders        = 8
	loadRunsPerRequest = 128
	loadSessions       = 10_000
	loadBodies         = 256 // built up front, then sent again with new trace ids
)

// loadCase is one pipeline the benchmark measures.
type loadCase struct {
	name   string
	config string
	otlp   bool     // the sink counts OTLP spans, not Mindlytics events
	sets   []string // extra --set values
}

var loadCases = []loadCase{
	{name: "mindlytics", config: "testdata/bench-load-mindlytics.yaml"},
	{name: "mindlytics_durable", config: "testdata/bench-load-mindlytics.yaml", sets: []string{
		"exporters.mindlytics.sending_queue.storage=file_storage", "service.extensions=[health_check,file_storage]"}},
	{name: "otlp_http", config: "testdata/bench-load-otlphttp.yaml", otlp: true},
	{name: "otlp_http_none", config: "testdata/bench-load-otlphttp.yaml", otlp: true, sets: []string{
		"exporters.otlp_http.compression=none"}},
}

// loadResult is one run of one case.
type loadResult struct {
	spansIn     float64 // spans accepted per second of load
	deliveredAt float64 // share of the output at the sink when the load stopped
	spansOut    float64 // spans delivered per second of load: spansIn × deliveredAt
	cpuPerSpan  float64 // collector CPU µs per accepted span, until all was delivered
	peakRSS     float64 // MiB
	queue       float64 // sending queue size when the load stopped (requests, or events with storage)
	output      int64   // events or spans at the sink in the end
	lost        int64   // made (events translated, or spans accepted) and never delivered
	refused     int64   // OTLP requests the collector refused
	// sentSpans is otelcol_exporter_sent_spans against the receiver's
	// otelcol_receiver_accepted_spans once all was delivered: 1 when the
	// exporter's metric counts spans.
	sentSpans float64
}

// TestLoad measures the distribution under the load, each case
// in turn, round after round: spans accepted per second, the share
// delivered by the time the load stops, CPU per span, peak RSS, the
// sending queue, and what was lost. It asserts nothing about speed: the
// figures go to BENCHMARKS.md.
func TestLoad(t *testing.T) {
	if os.Getenv(envLoad) == "" {
		t.Skipf("%s is not set", envLoad)
	}
	collectorBinary(t)
	seconds := envInt(t, envLoadSeconds, 20)
	rounds := envInt(t, envBenchRounds, 3)
	cases := loadCases
	if names := os.Getenv(envLoadCases); names != "" {
		cases = nil
		for _, n := range strings.Split(names, ",") {
			i := slices.IndexFunc(loadCases, func(c loadCase) bool { return c.name == strings.TrimSpace(n) })
			require.GreaterOrEqual(t, i, 0, "%s: no case %q", envLoadCases, n)
			cases = append(cases, loadCases[i])
		}
	}
	bodies := loadRequests(t)
	results := map[string][]loadResult{}
	for round := range rounds {
		for _, c := range cases {
			ok := t.Run(fmt.Sprintf("%s/round%d", c.name, round+1), func(t *testing.T) {
				results[c.name] = append(results[c.name], runLoad(t, c, bodies, time.Duration(seconds)*time.Second))
			})
			if !ok {
				t.FailNow()
			}
		}
	}
	report := loadReport(cases, results, seconds, rounds)
	t.Log(report)
	if out := os.Getenv(envBenchOut); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		defer f.Close()
		_, err = f.WriteString(report)
		require.NoError(t, err)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err, "%s", name)
	return n
}

// runLoad runs one case: it sends for d, reads the queue and the sink when
// the load stops, then waits until the output is complete.
func runLoad(t *testing.T, c loadCase, bodies [][]byte, d time.Duration) loadResult {
	sink := newLoadSink(t, c.otlp)
	metricsPort := freePort(t)
	env := []string{fmt.Sprintf("METRICS_PORT=%d", metricsPort), "FILE_STORAGE_DIR=" + t.TempDir(),
		"MLSDK_SERVER_BASE=" + sink.URL, "MLSDK_API_KEY=bench-key", "MLSDK_PROJECT_ID=bench", "SINK_ENDPOINT=" + sink.URL}
	col := startCollector(t, collectorSpec{name: c.name, config: c.config, env: env,
		sets: append(append([]string{"service.telemetry.metrics.level=normal"}, c.sets...), strings.Fields(os.Getenv(envBenchSet))...)})
	pid := col.cmd.Process.Pid
	cpu0 := processCPU(t, pid)

	offsets := make([][]int, len(bodies))
	for i, b := range bodies {
		offsets[i] = markerOffsets(b)
		require.Len(t, offsets[i], 3*loadRunsPerRequest, "the trace ids of body %d", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var next, accepted, refused atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range loadSenders {
		wg.Go(func() {
			client := &http.Client{Timeout: 30 * time.Second}
			var buf []byte
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				k := int(i % int64(len(bodies)))
				buf = patchTraceIDs(buf, bodies[k], offsets[k], uint32(i/int64(len(bodies))))
				// A request begun is finished, so that what the collector
				// accepted is counted; pushed back, the client tries again,
				// as OTLP clients do, until the load stops.
				for !postLoad(client, col.http, buf) {
					if ctx.Err() != nil {
						return
					}
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
				accepted.Add(3 * loadRunsPerRequest)
			}
		})
	}
	wg.Wait()
	loadTime := time.Since(start)
	atEnd := sink.count.Load()
	m := scrapeMetrics(t, metricsPort)
	queue, _ := metric(m, "otelcol_exporter_queue_size")

	// Everything accepted is delivered, then the figures are read.
	final := sink.stable(3*time.Second, 5*time.Minute)
	m = scrapeMetrics(t, metricsPort)
	cpu := processCPU(t, pid) - cpu0
	rss := peakRSS(t, pid)
	col.stop()
	require.Zero(t, sink.bad.Load(), "requests the sink could not read")

	r := loadResult{
		spansIn:    float64(accepted.Load()) / loadTime.Seconds(),
		cpuPerSpan: float64(cpu.Microseconds()) / float64(accepted.Load()),
		peakRSS:    rss,
		queue:      queue,
		output:     final,
		refused:    refused.Load(),
	}
	if final > 0 {
		r.deliveredAt = float64(atEnd) / float64(final)
	}
	r.spansOut = r.spansIn * r.deliveredAt
	made := accepted.Load()
	if !c.otlp {
		translated, ok := metric(m, "otelcol_exporter_mindlytics_events_translated_total", "otelcol_exporter_mindlytics_events_translated")
		require.True(t, ok, "no events_translated metric")
		made = int64(translated)
	}
	r.lost = made - final
	if acc, ok := metric(m, "otelcol_receiver_accepted_spans_total", "otelcol_receiver_accepted_spans"); ok && acc > 0 {
		sent, _ := metric(m, "otelcol_exporter_sent_spans_total", "otelcol_exporter_sent_spans")
		r.sentSpans = sent / acc
	}
	t.Logf("%s: %.0f spans/s in, %.1f%% of the output delivered when the load stopped (queue %.0f), %.2f µs CPU/span, peak RSS %.0f MiB, output %d, lost %d, refused %d, sent_spans/accepted_spans %.3f",
		c.name, r.spansIn, 100*r.deliveredAt, r.queue, r.cpuPerSpan, r.peakRSS, r.output, r.lost, r.refused, r.sentSpans)
	return r
}

func postLoad(client *http.Client, endpoint string, body []byte) bool {
	req, err := http.NewRequest(http.MethodPost, "http://"+endpoint+"/v1/traces", bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var discard [512]byte
	for {
		if _, err := resp.Body.Read(discard[:]); err != nil {
			break
		}
	}
	return resp.StatusCode == http.StatusOK
}

// loadRequests builds the load's OTLP/protobuf requests: agent runs of an
// invoke_agent span, a chat span with messages and usage, and an
// execute_tool span; run n belongs to session n mod loadSessions. Trace
// ids end with loadMarker and room for the cycle (patchTraceIDs).
func loadRequests(t *testing.T) [][]byte {
	t.Helper()
	base := time.Now().Add(-time.Hour)
	bodies := make([][]byte, loadBodies)
	for r := range bodies {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "load-agent")
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for i := range loadRunsPerRequest {
			n := r*loadRunsPerRequest + i
			var traceID pcommon.TraceID
			traceID[0], traceID[1], traceID[2], traceID[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
			copy(traceID[4:], loadMarker)
			session := fmt.Sprintf("load-%05d", n%loadSessions)
			at := base.Add(time.Duration(n) * time.Millisecond)
			appendAgentRun(t, spans, traceID, n, session, at)
		}
		b, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
		require.NoError(t, err)
		bodies[r] = b
	}
	return bodies
}

// loadReport is the markdown table of every run and, per round, the ratios
// of each mindlytics case against each otlp_http case of the same round.
func loadReport(cases []loadCase, results map[string][]loadResult, seconds, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d interleaved rounds of %d s per case; %d OTLP/HTTP clients, %d spans per request (%d agent runs of 3 spans), %d sessions; collector: memory_limiter, batch (1024, 200ms), default sending queue.\n\n",
		rounds, seconds, loadSenders, 3*loadRunsPerRequest, loadRunsPerRequest, loadSessions)
	b.WriteString("| case | round | spans/s in | delivered when the load stopped | spans/s delivered | CPU µs/span | peak RSS MiB | queue at the end of the load | output | lost | requests refused | sent_spans / accepted_spans |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range cases {
		for i, r := range results[c.name] {
			fmt.Fprintf(&b, "| %s | %d | %.0f | %.1f %% | %.0f | %.2f | %.0f | %.0f | %d | %d | %d | %.3f |\n",
				c.name, i+1, r.spansIn, 100*r.deliveredAt, r.spansOut, r.cpuPerSpan, r.peakRSS, r.queue, r.output, r.lost, r.refused, r.sentSpans)
		}
	}
	b.WriteString("\nRatios, median [min–max] over the rounds, each taken within its round:\n\n| ours | against | spans/s in | spans/s delivered | CPU per span | peak RSS |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, ours := range cases {
		if ours.otlp {
			continue
		}
		for _, base := range cases {
			if !base.otlp {
				continue
			}
			var in, out, cpu, rss []float64
			for i, o := range results[ours.name] {
				if i >= len(results[base.name]) {
					break
				}
				x := results[base.name][i]
				in = append(in, o.spansIn/x.spansIn)
				out = append(out, o.spansOut/x.spansOut)
				cpu = append(cpu, o.cpuPerSpan/x.cpuPerSpan)
				rss = append(rss, o.peakRSS/x.peakRSS)
			}
			fmt.Fprintf(&b, "| %s | %s | %s× | %s× | %s× | %s× |\n", ours.name, base.name, spread(in), spread(out), spread(cpu), spread(rss))
		}
	}
	return b.String()
}
