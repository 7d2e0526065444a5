package mindlyticsexporter

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	mlexporter "github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// fixturesDir holds OTLP/JSON captured from the real npm instrumentations
// (tools/fixtures; testdata/fixtures/README.md says what each shows).
const fixturesDir = "../../testdata/fixtures"

// loadFixture reads <source>/<scenario>.traces.json and, when there is
// one, .logs.json.
func loadFixture(t *testing.T, name string) (ptrace.Traces, plog.Logs, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, name+".traces.json"))
	require.NoError(t, err)
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	require.NoError(t, err)
	b, err = os.ReadFile(filepath.Join(fixturesDir, name+".logs.json"))
	if os.IsNotExist(err) {
		return td, plog.NewLogs(), false
	}
	require.NoError(t, err)
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
	require.NoError(t, err)
	return td, ld, true
}

// throughCollector sends a fixture through the component into a loopback
// Mindlytics, logs first when there are logs (they may arrive in either
// order), and returns what the service accepted.
func throughCollector(t *testing.T, td ptrace.Traces, ld plog.Logs, logsFirst bool) []mindlytics.Event {
	t.Helper()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))
	ctx := context.Background()
	if logsFirst {
		require.NoError(t, le.ConsumeLogs(ctx, ld))
	}
	require.NoError(t, te.ConsumeTraces(ctx, td))
	if !logsFirst {
		require.NoError(t, le.ConsumeLogs(ctx, ld))
	}
	shutdown(t, te, le)
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("order violations: %v", v)
	}
	return srv.Events()
}

// throughExporter sends a fixture's spans through the in-process exporter,
// as SDK spans, into a loopback Mindlytics.
func throughExporter(t *testing.T, td ptrace.Traces) []mindlytics.Event {
	t.Helper()
	return throughExporterBatches(t, toReadOnly(td))
}

// throughExporterSplit is throughExporter with the spans, in the order
// they ended (as a batch span processor gets them), sent as two batches,
// the first of n spans.
func throughExporterSplit(t *testing.T, td ptrace.Traces, n int) []mindlytics.Event {
	t.Helper()
	spans := toReadOnly(td)
	slices.SortStableFunc(spans, func(a, b sdktrace.ReadOnlySpan) int { return a.EndTime().Compare(b.EndTime()) })
	return throughExporterBatches(t, spans[:n], spans[n:])
}

// throughExporterBatches exports each batch in turn, then shuts down, and
// returns what the loopback Mindlytics accepted.
func throughExporterBatches(t *testing.T, batches ...[]sdktrace.ReadOnlySpan) []mindlytics.Event {
	t.Helper()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp, err := mlexporter.New(context.Background(), mlexporter.WithServerBase(srv.URL),
		mlexporter.WithAPIKey(srv.APIKey), mlexporter.WithProjectID(srv.ProjectID),
		mlexporter.WithErrorHandler(func(error) {})) // the test reads Errors
	require.NoError(t, err)
	for _, b := range batches {
		require.NoError(t, exp.ExportSpans(context.Background(), b))
	}
	require.NoError(t, exp.Shutdown(testkit.Context(t, testkit.Wait)))
	for _, e := range exp.Errors() {
		// A fixture without session ids (the official OpenAI
		// instrumentation) makes sessions of its traces, which the exporter
		// says once; anything else is a failure.
		if e.Kind != mlexporter.ErrorNoSession {
			t.Errorf("exporter error: %v", &e)
		}
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("order violations: %v", v)
	}
	return srv.Events()
}

// splitTraces cuts td in two, the spans in the order they ended (as a
// batch span processor gets them): the first n, and the rest.
func splitTraces(td ptrace.Traces, n int) (ptrace.Traces, ptrace.Traces) {
	type ref struct {
		rs  int
		ss  int
		s   int
		end pcommon.Timestamp
	}
	var refs []ref
	for i, rs := range td.ResourceSpans().All() {
		for j, ss := range rs.ScopeSpans().All() {
			for k, s := range ss.Spans().All() {
				refs = append(refs, ref{i, j, k, s.EndTimestamp()})
			}
		}
	}
	slices.SortStableFunc(refs, func(a, b ref) int { return cmp.Compare(a.end, b.end) })
	first, rest := ptrace.NewTraces(), ptrace.NewTraces()
	for i, r := range refs {
		dst := rest
		if i < n {
			dst = first
		}
		rs := td.ResourceSpans().At(r.rs)
		ss := rs.ScopeSpans().At(r.ss)
		drs := dst.ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(drs.Resource())
		dss := drs.ScopeSpans().AppendEmpty()
		ss.Scope().CopyTo(dss.Scope())
		ss.Spans().At(r.s).CopyTo(dss.Spans().AppendEmpty())
	}
	return first, rest
}

// throughCollectorSplit sends the spans of a fixture through the component
// as two batches (splitTraces), without log records.
func throughCollectorSplit(t *testing.T, td ptrace.Traces, n int) []mindlytics.Event {
	t.Helper()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))
	first, rest := splitTraces(td, n)
	require.NoError(t, te.ConsumeTraces(context.Background(), first))
	require.NoError(t, te.ConsumeTraces(context.Background(), rest))
	shutdown(t, te, le)
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("order violations: %v", v)
	}
	return srv.Events()
}

// toReadOnly turns pdata spans into SDK spans, as an app's SDK would have
// made them.
func toReadOnly(td ptrace.Traces) []sdktrace.ReadOnlySpan {
	var stubs tracetest.SpanStubs
	for _, rs := range td.ResourceSpans().All() {
		res := resource.NewSchemaless(pdataview.KeyValues(rs.Resource().Attributes())...)
		for _, ss := range rs.ScopeSpans().All() {
			scope := instrumentation.Scope{Name: ss.Scope().Name(), Version: ss.Scope().Version()}
			for _, s := range ss.Spans().All() {
				st := tracetest.SpanStub{
					Name: s.Name(),
					SpanContext: trace.NewSpanContext(trace.SpanContextConfig{
						TraceID: trace.TraceID(s.TraceID()), SpanID: trace.SpanID(s.SpanID()), TraceFlags: trace.FlagsSampled}),
					SpanKind:             trace.SpanKind(s.Kind()),
					StartTime:            s.StartTimestamp().AsTime(),
					EndTime:              s.EndTimestamp().AsTime(),
					Attributes:           pdataview.KeyValues(s.Attributes()),
					Events:               pdataview.Events(s.Events()),
					Status:               sdktrace.Status{Code: pdataview.StatusCode(s.Status().Code()), Description: s.Status().Message()},
					Resource:             res,
					InstrumentationScope: scope,
				}
				if !s.ParentSpanID().IsEmpty() {
					st.Parent = trace.NewSpanContext(trace.SpanContextConfig{
						TraceID: trace.TraceID(s.TraceID()), SpanID: trace.SpanID(s.ParentSpanID())})
				}
				if st.Status.Code == codes.Unset {
					st.Status.Description = ""
				}
				stubs = append(stubs, st)
			}
		}
	}
	return stubs.Snapshots()
}

// summary is what a fixture must come to at Mindlytics, per session: the
// turns (both texts), functions, and usage totals (turns and usage events).
type summary struct {
	sessions                              []string
	users                                 []string
	turns                                 []string // "user => assistant"
	functions                             []string // "name(args) = result"
	prompt, completion, cached, reasoning int64
	usageEvents                           int
	models                                []string
}

func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return n
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	return 0
}

func summarize(evs []mindlytics.Event) summary {
	var s summary
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	for _, ev := range evs {
		add(&s.sessions, "session:"+ev.SessionID)
		if ev.UserID != "" {
			add(&s.users, "user:"+ev.UserID)
		}
		p := ev.Properties
		switch ev.Event {
		case mindlytics.EventConversationTurn:
			s.turns = append(s.turns, fmt.Sprintf("%v => %v", p["user"], p["assistant"]))
		case mindlytics.EventConversationFunction:
			s.functions = append(s.functions, fmt.Sprintf("%v(%v) = %v", p["name"], p["args"], p["result"]))
		case mindlytics.EventConversationUsage:
			s.usageEvents++
		default:
			continue
		}
		if ev.Event != mindlytics.EventConversationFunction {
			s.prompt += num(p["prompt_tokens"])
			s.completion += num(p["completion_tokens"])
			s.cached += num(p["cached_tokens"])
			s.reasoning += num(p["reasoning_tokens"])
			if m, _ := p["model"].(string); m != "" {
				add(&s.models, "model:"+m)
			}
		}
	}
	sort.Strings(s.models)
	return s
}

// The scripted inputs of every fixture (testdata/fixtures/README.md).
const (
	fixtureSession = "session:sess_fixture_42"
	fixtureUser    = "user:user_fixture_7"
	simpleTurn     = "What is the capital of France? => The capital of France is Paris."
	toolTurn       = "What's the weather in Paris right now? => It is 18 °C and partly cloudy in Paris right now."
	weatherCall    = `get_weather({"city":"Paris"}) = {"city":"Paris","temperature_c":18,"condition":"partly cloudy"}`
)

// fixtureWant is what a fixture must come to at Mindlytics.
type fixtureWant struct {
	turns, functions []string
	// prompt, completion, cached and reasoning token totals over the turns
	// and usage events: each call counted once.
	tokens [4]int64
	// ids says the fixture carries the session and user ids (the official
	// OTel instrumentation does not: its sessions fall back to trace ids).
	ids bool
	// contentInLogs: the spans carry no texts; only the collector, which
	// gets the log records, makes turns.
	contentInLogs bool
}

var (
	simpleTokens = [4]int64{1236, 312, 1024, 256}
	toolTokens   = [4]int64{2712, 132, 2432, 64}
	simple       = fixtureWant{turns: []string{simpleTurn}, tokens: simpleTokens, ids: true}
	tool         = fixtureWant{turns: []string{toolTurn}, functions: []string{weatherCall}, tokens: toolTokens, ids: true}
)

// with returns w with other token totals: what the instrumentation reports.
func (w fixtureWant) with(tokens [4]int64) fixtureWant { w.tokens = tokens; return w }

var fixtureWants = map[string]fixtureWant{
	// OpenInference drops the usage of a streamed chat completion.
	"openinference/chat-stream":      {turns: []string{simpleTurn}, ids: true},
	"openinference/chat-tool":        tool,
	"openinference/chat":             simple,
	"openinference/responses-stream": simple,
	"openinference/responses-tool":   tool,
	"openinference/responses":        simple,
	// OpenLLMetry reports no cache or reasoning counts; a streamed chat's
	// usage is its own tiktoken estimate; a streamed Responses call records
	// nothing to count or show.
	"openllmetry/chat-stream":      simple.with([4]int64{14, 7, 0, 0}),
	"openllmetry/chat-tool":        tool.with([4]int64{2712, 132, 0, 0}), // its {"args":[],"kwargs":{…}} read as the kwargs
	"openllmetry/chat":             simple.with([4]int64{1236, 312, 0, 0}),
	"openllmetry/responses-stream": {},
	"openllmetry/responses-tool":   tool.with([4]int64{2712, 132, 0, 0}),
	"openllmetry/responses":        simple.with([4]int64{1236, 312, 0, 0}),
	// The official instrumentation: texts in log records, no ids, no cache
	// or reasoning counts; the tool flow's two calls are traces of their own.
	"otel-openai/chat-stream":      {turns: []string{simpleTurn}, tokens: [4]int64{1236, 312, 0, 0}, contentInLogs: true},
	"otel-openai/chat-tool":        {turns: []string{toolTurn}, tokens: [4]int64{2712, 132, 0, 0}, contentInLogs: true},
	"otel-openai/chat":             {turns: []string{simpleTurn}, tokens: [4]int64{1236, 312, 0, 0}, contentInLogs: true},
	"otel-openai/responses-stream": {turns: []string{simpleTurn}, tokens: [4]int64{1236, 312, 0, 0}, contentInLogs: true},
	"otel-openai/responses-tool":   {turns: []string{toolTurn}, tokens: [4]int64{2712, 132, 0, 0}, contentInLogs: true},
	"otel-openai/responses":        {turns: []string{simpleTurn}, tokens: [4]int64{1236, 312, 0, 0}, contentInLogs: true},
	// Two instrumentations on one client: each call counted once. The
	// stream's usage comes from the OTel child alone (no cache counts).
	"stacked/otel-openai+openinference-chat-stream": simple.with([4]int64{1236, 312, 0, 0}),
	"stacked/otel-openai+openinference-chat-tool":   {turns: []string{toolTurn}, tokens: toolTokens, ids: true},
	"stacked/otel-openai+openinference-chat":        simple,
	"stacked/otel-openai+openinference-responses":   simple,
	// The Vercel AI SDK: root spans sum their steps and are never counted;
	// ai 5's generateText reports no cache or reasoning counts.
	"vercel-ai-v5/generate-text-tool":        tool.with([4]int64{2712, 132, 0, 0}),
	"vercel-ai-v5/generate-text":             simple.with([4]int64{1236, 312, 0, 0}),
	"vercel-ai-v5/stream-text-tool":          tool,
	"vercel-ai-v5/stream-text":               simple,
	"vercel-ai-v6/generate-text-tool":        tool,
	"vercel-ai-v6/generate-text":             simple,
	"vercel-ai-v6/stream-text-tool":          tool,
	"vercel-ai-v6/stream-text":               simple,
	"vercel-ai-v7/generate-text-tool":        tool,
	"vercel-ai-v7/generate-text":             simple,
	"vercel-ai-v7/stream-text-tool":          tool,
	"vercel-ai-v7/stream-text":               simple,
	"vercel-ai-v7-legacy/generate-text-tool": tool,
	"vercel-ai-v7-legacy/generate-text":      simple,
	"vercel-ai-v7-legacy/stream-text-tool":   tool,
	"vercel-ai-v7-legacy/stream-text":        simple,
}

// TestFixtures sends every captured fixture through both front doors (and
// the collector's logs before and after the spans) and requires the exact
// turns, function calls and usage totals at the loopback Mindlytics.
func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir(fixturesDir)
	require.NoError(t, err)
	seen := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(fixturesDir, d.Name()))
		require.NoError(t, err)
		for _, f := range files {
			name, ok := strings.CutSuffix(f.Name(), ".traces.json")
			if !ok {
				continue
			}
			fx := d.Name() + "/" + name
			if _, err := os.Stat(filepath.Join(fixturesDir, fx+".expect.json")); err == nil {
				continue // scored by TestFixtureOutcomes
			}
			want, ok := fixtureWants[fx]
			require.True(t, ok, "fixture %s has no expectation", fx)
			seen++
			t.Run(fx, func(t *testing.T) {
				td, ld, _ := loadFixture(t, fx)
				check := func(door string, got summary, turns bool) {
					t.Helper()
					wantTurns := want.turns
					if !turns {
						wantTurns = nil
					}
					assert.Equal(t, wantTurns, got.turns, "%s: turns", door)
					assert.Equal(t, want.functions, got.functions, "%s: functions", door)
					assert.Equal(t, want.tokens, [4]int64{got.prompt, got.completion, got.cached, got.reasoning},
						"%s: prompt, completion, cached, reasoning tokens", door)
					if want.ids {
						assert.Equal(t, []string{fixtureSession}, got.sessions, door)
						assert.Equal(t, []string{fixtureUser}, got.users, door)
					}
				}
				check("collector, spans first", summarize(throughCollector(t, td, ld, false)), true)
				check("collector, logs first", summarize(throughCollector(t, td, ld, true)), true)
				check("in-process", summarize(throughExporter(t, td)), !want.contentInLogs)
				// Split into two batches at every span, in the order the
				// spans ended: the same sessions, turns, functions, prompt
				// and completion tokens (spans wait for the ancestor that
				// has the ids; the later span of a stacked pair adds nothing
				// twice). Token details only the later span of a stacked
				// pair reports are lost, never counted twice.
				for n := 1; n < td.SpanCount(); n++ {
					door := fmt.Sprintf("in-process, the first %d spans in a batch of their own", n)
					got := summarize(throughExporterSplit(t, td, n))
					wantTurns := want.turns
					if want.contentInLogs {
						wantTurns = nil
					}
					if c := summarize(throughCollectorSplit(t, td, n)); !want.contentInLogs {
						assert.Equal(t, got, c, "the collector, split the same way, as in-process")
					}
					assert.Equal(t, wantTurns, got.turns, "%s: turns", door)
					assert.Equal(t, want.functions, got.functions, "%s: functions", door)
					assert.Equal(t, want.tokens[:2], []int64{got.prompt, got.completion}, "%s: prompt, completion tokens", door)
					assert.LessOrEqual(t, got.cached, want.tokens[2], "%s: cached tokens", door)
					assert.LessOrEqual(t, got.reasoning, want.tokens[3], "%s: reasoning tokens", door)
					if want.ids {
						assert.Equal(t, []string{fixtureSession}, got.sessions, door)
					}
				}
			})
		}
	}
	assert.Equal(t, len(fixtureWants), seen, "every expectation has its fixture")
}
