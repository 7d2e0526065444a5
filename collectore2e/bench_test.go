package collectore2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// envBench turns the throughput benchmark on; envBenchOut names a file the
// results table is appended to.
// envBenchLatencies lists the service latencies (ms, comma-separated) the
// Mindlytics pipeline is also measured at, through the loopback service's
// latency injection; the default is none beyond 0.
const (
	envBench          = "MINDLYTICS_BENCH"
	envBenchOut       = "MINDLYTICS_BENCH_OUT"
	envBenchLatencies = "MINDLYTICS_BENCH_LATENCIES"
	// envBenchInFlight, when set, overrides the exporter's
	// requests_in_flight (to compare it with 1).
	envBenchInFlight = "MINDLYTICS_BENCH_IN_FLIGHT"
	// envBenchSet adds --set values (space-separated) to the Mindlytics
	// pipeline, e.g. to try a sending_queue::batch.
	envBenchSet = "MINDLYTICS_BENCH_SET"
	// envBenchRequests overrides how many OTLP requests the load has
	// (benchRequests).
	envBenchRequests = "MINDLYTICS_BENCH_REQUESTS"
	// envBenchRounds is how many times both pipelines run, one after the
	// other (default 3): the ratios are taken per round, so that a change
	// in the machine's load between rounds falls on both.
	envBenchRounds = "MINDLYTICS_BENCH_ROUNDS"
)

// Shape of the load: requests of benchTracesPerRequest agent runs of three
// spans (invoke_agent, chat with messages and usage, execute_tool), each
// run its own session.
// benchRequests is long enough (about 1 s of intake per pipeline on two
// cores) that start-up and the first garbage collections do not decide
// the figures.
var benchRequests = 1200

const (
	benchTracesPerRequest = 100
	benchSpansPerTrace    = 3
	benchSenders          = 4
	benchEventsPerTrace   = 4 // start_session, Conversation Started, Turn, Function
)

// TestThroughput measures the distribution with the Mindlytics exporter
// against the same pipeline exporting with otlp_http to a loopback sink:
// spans/s accepted, events (or spans) per second delivered, and the
// collector's CPU. It runs only when MINDLYTICS_BENCH is set: the numbers
// go to BENCHMARKS.md, not to a pass/fail verdict.
func TestThroughput(t *testing.T) {
	if os.Getenv(envBench) == "" {
		t.Skipf("%s is not set", envBench)
	}
	collectorBinary(t) // skips without the binary
	if n := os.Getenv(envBenchRequests); n != "" {
		var err error
		benchRequests, err = strconv.Atoi(n)
		require.NoError(t, err, "%s", envBenchRequests)
	}
	bodies := benchBodies(t)
	spans := benchRequests * benchTracesPerRequest * benchSpansPerTrace

	var rows []benchResult
	mindlyticsRun := func(latency time.Duration) {
		sink := newEventSink(latency)
		defer sink.close()
		spec := collectorSpec{name: "bench-mindlytics", config: "testdata/bench-mindlytics.yaml", env: sink.env()}
		if n := os.Getenv(envBenchInFlight); n != "" {
			spec.sets = append(spec.sets, "exporters.mindlytics.requests_in_flight="+n)
		}
		spec.sets = append(spec.sets, strings.Fields(os.Getenv(envBenchSet))...)
		col := startCollector(t, spec)
		want := benchRequests * benchTracesPerRequest * benchEventsPerTrace
		r := runBench(t, col, bodies, want, func(ctx context.Context) error {
			return waitForCount(ctx, &sink.events, want, "events")
		})
		r.name, r.out = "mindlytics → loopback sink", "events"
		if latency > 0 {
			r.name += fmt.Sprintf(", %v latency", latency)
		}
		// Untimed: every request the sink took, in the order it took them,
		// through the loopback Mindlytics service's contract checks.
		srv, err := sink.replay(testkit.Context(t, 5*time.Minute))
		require.NoError(t, err)
		require.Equal(t, want, len(srv.Events()), "the runs' events and nothing else")
		require.Empty(t, srv.Violations())
		requireBenchOrder(t, srv)
		rows = append(rows, r)
	}
	otlpRun := func() {
		sink := newSpanSink()
		defer sink.Close()
		col := startCollector(t, collectorSpec{name: "bench-otlphttp", config: "testdata/bench-otlphttp.yaml",
			env: []string{"SINK_ENDPOINT=" + sink.URL}})
		r := runBench(t, col, bodies, spans, func(ctx context.Context) error {
			return waitForCount(ctx, &sink.spans, spans, "spans")
		})
		r.name, r.out = "otlp_http → loopback sink", "spans"
		rows = append(rows, r)
	}
	rounds := 3
	if n := os.Getenv(envBenchRounds); n != "" {
		var err error
		rounds, err = strconv.Atoi(n)
		require.NoError(t, err, "%s", envBenchRounds)
	}
	var intake, cpu []float64 // ours against otlp_http's, per round
	for range rounds {
		okOurs := t.Run("mindlytics", func(t *testing.T) { mindlyticsRun(0) })
		okBase := t.Run("otlp_http", func(t *testing.T) { otlpRun() })
		if !okOurs || !okBase {
			t.FailNow() // a run without its row: no ratio to take
		}
		ours, base := rows[len(rows)-2], rows[len(rows)-1]
		intake = append(intake, ours.spansIn/base.spansIn)
		cpu = append(cpu, ours.cpuPer1k/base.cpuPer1k)
	}
	for _, ms := range benchLatencies(t) {
		t.Run(fmt.Sprintf("mindlytics_latency_%dms", ms), func(t *testing.T) { mindlyticsRun(time.Duration(ms) * time.Millisecond) })
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%d spans (%d agent runs of %d spans, one session each) in %d OTLP/HTTP requests from %d senders; collector: memory_limiter, batch (1024, 200ms), %s.\n\n",
		spans, benchRequests*benchTracesPerRequest, benchSpansPerTrace, benchRequests, benchSenders, "default sending queue")
	b.WriteString("| pipeline | spans/s in | spans/s out | out/s | collector CPU (cores) | collector CPU ms per 1k spans | collector peak RSS (MiB) | load generator + loopback service CPU (cores) | requests refused |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f %s/s | %.2f | %.1f | %.0f | %.2f | %d |\n", r.name, r.spansIn, r.spansOut, r.outRate, r.out, r.cores, r.cpuPer1k, r.peakRSS, r.testCores, r.refused)
	}
	fmt.Fprintf(&b, "\nmindlytics against otlp_http, per round: spans/s in %s×, CPU per 1k spans %s× (median [min–max] of %d rounds).\n",
		spread(intake), spread(cpu), rounds)
	t.Log(b.String())
	if out := os.Getenv(envBenchOut); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		defer f.Close()
		_, err = f.WriteString(b.String())
		require.NoError(t, err)
	}
}

type benchResult struct {
	name, out string
	spansIn   float64 // spans accepted per second
	spansOut  float64 // spans delivered (translated and sent) per second
	outRate   float64 // events or spans delivered per second
	peakRSS   float64 // the collector's peak resident set size (VmHWM), MiB
	cores     float64 // collector CPU time / wall time, until all was delivered
	cpuPer1k  float64 // collector CPU milliseconds per 1000 spans
	testCores float64 // this process's CPU (senders and loopback service) / wall time
	refused   int64   // requests the collector refused (sent again after 10 ms)
}

// runBench sends the bodies to the collector from benchSenders goroutines,
// then waits until the want events or spans were delivered.
func runBench(t *testing.T, col *collector, bodies [][]byte, want int, delivered func(context.Context) error) benchResult {
	t.Helper()
	cpu0, self0 := processCPU(t, col.cmd.Process.Pid), processCPU(t, os.Getpid())
	start := time.Now()
	var next, refused atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for range benchSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(bodies)); i = next.Add(1) - 1 {
				for !postTraces(client, col.http, bodies[i]) { // the collector pushed back: try again
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	accepted := time.Since(start)
	require.NoError(t, delivered(testkit.Context(t, 5*time.Minute)))
	done := time.Since(start)
	cpu := processCPU(t, col.cmd.Process.Pid) - cpu0
	self := processCPU(t, os.Getpid()) - self0
	spans := float64(len(bodies) * benchTracesPerRequest * benchSpansPerTrace)
	return benchResult{
		spansIn:   spans / accepted.Seconds(),
		spansOut:  spans / done.Seconds(),
		outRate:   float64(want) / done.Seconds(),
		peakRSS:   peakRSS(t, col.cmd.Process.Pid),
		cores:     cpu.Seconds() / done.Seconds(),
		cpuPer1k:  float64(cpu.Milliseconds()) / spans * 1000,
		testCores: self.Seconds() / done.Seconds(),
		refused:   refused.Load(),
	}
}

func postTraces(client *http.Client, endpoint string, body []byte) bool {
	resp, err := client.Post("http://"+endpoint+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// processCPU is the user and system CPU time the process used so far
// (Linux: /proc/<pid>/stat, in clock ticks of 10ms).
func processCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	// The command name may hold spaces: fields count from after its ")".
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, err := strconv.ParseInt(fields[11], 10, 64)
	require.NoError(t, err)
	stime, err := strconv.ParseInt(fields[12], 10, 64)
	require.NoError(t, err)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// peakRSS is the process's peak resident set size in MiB (Linux:
// VmHWM in /proc/<pid>/status).
func peakRSS(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			require.NoError(t, err)
			return kb / 1024
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// waitForCount waits until a sink has counted n of what (events, spans).
func waitForCount(ctx context.Context, count *atomic.Int64, n int, what string) error {
	for count.Load() < int64(n) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the sink got %d of %d %s: %w", count.Load(), n, what, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// spread is the median of xs with their range, as "m [lo–hi]".
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	s := slices.Sorted(slices.Values(xs))
	return fmt.Sprintf("%.2f [%.2f–%.2f]", s[len(s)/2], s[0], s[len(s)-1])
}

// benchLatencies is MINDLYTICS_BENCH_LATENCIES as milliseconds, zeros left
// out (the plain run is at 0).
func benchLatencies(t *testing.T) []int {
	t.Helper()
	var out []int
	for _, f := range strings.FieldsFunc(os.Getenv(envBenchLatencies), func(r rune) bool { return r == ',' || r == ' ' }) {
		ms, err := strconv.Atoi(f)
		require.NoError(t, err, "%s", envBenchLatencies)
		if ms > 0 {
			out = append(out, ms)
		}
	}
	return out
}

// requireBenchOrder checks that each run's session got its events in the
// order the translation makes them, whatever requests carried them.
func requireBenchOrder(t *testing.T, srv *mindlyticstest.Server) {
	t.Helper()
	bySession := map[string][]string{}
	for _, ev := range srv.Events() {
		name := ev.Event
		if name == "" {
			name = string(ev.Type)
		}
		bySession[ev.SessionID] = append(bySession[ev.SessionID], name)
	}
	want := []string{"start_session", "Conversation Started", "Conversation Turn", "Conversation Function"}
	for id, got := range bySession {
		if !assert.Equal(t, want, got, "session %s", id) {
			return
		}
	}
}

// benchBodies builds the OTLP/protobuf requests up front, so that making
// the load costs the sender little.
func benchBodies(t *testing.T) [][]byte {
	t.Helper()
	base := time.Now().Add(-time.Hour)
	bodies := make([][]byte, benchRequests)
	for r := range bodies {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "bench-agent")
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for i := range benchTracesPerRequest {
			n := r*benchTracesPerRequest + i
			traceID := pcommon.TraceID{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 0xbe, 0x0c}
			session := fmt.Sprintf("bench-%07d", n)
			at := base.Add(time.Duration(n) * time.Millisecond)
			appendAgentRun(t, spans, traceID, n, session, at)
		}
		b, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
		require.NoError(t, err)
		bodies[r] = b
	}
	return bodies
}

// spanSink is the otlp_http exporter's loopback destination: it counts the
// spans it receives.
type spanSink struct {
	*http.Server
	URL   string
	spans atomic.Int64
}

func newSpanSink() *spanSink {
	s := &spanSink{}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.Server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		req := ptraceotlp.NewExportRequest()
		if err == nil {
			err = req.UnmarshalProto(body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.spans.Add(int64(req.Traces().SpanCount()))
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ := ptraceotlp.NewExportResponse().MarshalProto()
		_, _ = w.Write(b)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.Serve(ln) }()
	return s
}
