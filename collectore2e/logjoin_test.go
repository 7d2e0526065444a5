package collectore2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// The official OpenTelemetry OpenAI instrumentation records a call's
// messages as log records and its usage on the span; the SDK exports each
// on a timer of its own. Whatever the order and the gap between the two,
// the collector must make the same events: each call one turn with its
// texts and its counts (a tool-calling step, which has no text, usage).

// loggedCall is what one call of a capture must come to: a turn (user
// text set) or a usage event.
type loggedCall struct {
	user, assistant    string
	prompt, completion int64
}

const (
	simpleUser      = "What is the capital of France?"
	simpleAssistant = "The capital of France is Paris."
	toolUser        = "What's the weather in Paris right now?"
	toolAssistant   = "It is 18 °C and partly cloudy in Paris right now."
	fixtureModel    = "gpt-5-mini-2025-08-07"
)

var (
	simpleCall = loggedCall{simpleUser, simpleAssistant, 1236, 312}
	toolSteps  = []loggedCall{{"", "", 1310, 85}, {toolUser, toolAssistant, 1402, 47}}
)

// otelOpenAICalls are the captures (testdata/fixtures/otel-openai) and
// their calls, in the order of their spans; each call is a trace of its
// own, and, with no session id, a session of its own.
var otelOpenAICalls = map[string][]loggedCall{
	"chat":             {simpleCall},
	"chat-stream":      {simpleCall},
	"chat-tool":        toolSteps,
	"responses":        {simpleCall},
	"responses-stream": {simpleCall},
	"responses-tool":   toolSteps,
}

// logJoinRounds is how many times each case sends every capture, with new
// ids, the rounds overlapping.
const logJoinRounds = 3

// TestLogJoinOrderAndGap runs local.yaml and sends each capture's spans
// and log records as separate OTLP/HTTP requests, as the SDK does: spans
// first and logs first, 0, 2 and 6 s apart. Every call must make exactly
// its events, every time.
func TestLogJoinOrderAndGap(t *testing.T) {
	collectorBinary(t)
	captures := loadOTelOpenAI(t)
	for _, spansFirst := range []bool{true, false} {
		for _, gap := range []time.Duration{0, 2 * time.Second, 6 * time.Second} {
			name := fmt.Sprintf("logs first, %s apart", gap)
			if spansFirst {
				name = fmt.Sprintf("spans first, %s apart", gap)
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runLogJoin(t, captures, spansFirst, gap)
			})
		}
	}
}

type capture struct {
	name  string
	spans ptrace.Traces
	logs  plog.Logs
}

func loadOTelOpenAI(t *testing.T) []capture {
	t.Helper()
	dir := filepath.Join("..", "testdata", "fixtures", "otel-openai")
	var out []capture
	for name := range otelOpenAICalls {
		b, err := os.ReadFile(filepath.Join(dir, name+".traces.json"))
		require.NoError(t, err)
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
		require.NoError(t, err)
		b, err = os.ReadFile(filepath.Join(dir, name+".logs.json"))
		require.NoError(t, err)
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
		require.NoError(t, err)
		require.Equal(t, len(otelOpenAICalls[name]), td.SpanCount(), name)
		out = append(out, capture{name, td, ld})
	}
	return out
}

func runLogJoin(t *testing.T, captures []capture, spansFirst bool, gap time.Duration) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	col := startCollector(t, collectorSpec{name: t.Name(), config: "local.yaml", env: mindlyticsEnv(srv)})

	var want []mindlytics.Event
	var sessions []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	var lastSecond time.Time
	for round := range logJoinRounds {
		sent := make([]capture, len(captures))
		for i, c := range captures {
			sent[i] = withNewIDs(c)
			ids, evs := wantLogged(t, sent[i])
			sessions = append(sessions, ids...)
			want = append(want, evs...)
		}
		wg.Go(func() {
			time.Sleep(time.Duration(round) * 300 * time.Millisecond) // the rounds overlap
			for _, c := range sent {
				postOTLP(t, col.http, c, spansFirst)
			}
			time.Sleep(gap)
			for _, c := range sent {
				postOTLP(t, col.http, c, !spansFirst)
			}
			mu.Lock()
			lastSecond = time.Now()
			mu.Unlock()
		})
	}
	wg.Wait()
	// Three events per call before the shutdown ends its session: the
	// start, the conversation's start, the turn or usage.
	_, err := srv.WaitForEvents(testkit.Context(t, 90*time.Second), len(want)*3/5)
	require.NoError(t, err)
	t.Logf("the events of the last round's calls came %s after its second request", time.Since(lastSecond).Round(time.Millisecond))
	col.stop()

	byID := map[string][]mindlytics.Event{}
	for _, ev := range want {
		byID[ev.SessionID] = append(byID[ev.SessionID], ev)
	}
	for _, id := range sessions {
		requireEvents(t, byID[id], srv.SessionEvents(id), "session %s", id)
	}
	assert.Len(t, srv.Events(), len(want), "no other events")
	assert.Empty(t, srv.Violations())
}

// withNewIDs is c with new trace and span ids (the same in its spans and
// its log records), so that each round's calls are calls of their own.
func withNewIDs(c capture) capture {
	traces, spans := map[pcommon.TraceID]pcommon.TraceID{}, map[pcommon.SpanID]pcommon.SpanID{}
	traceID := func(old pcommon.TraceID) pcommon.TraceID {
		if _, ok := traces[old]; !ok {
			var id pcommon.TraceID
			_, _ = rand.Read(id[:])
			traces[old] = id
		}
		return traces[old]
	}
	spanID := func(old pcommon.SpanID) pcommon.SpanID {
		if old.IsEmpty() {
			return old
		}
		if _, ok := spans[old]; !ok {
			var id pcommon.SpanID
			_, _ = rand.Read(id[:])
			spans[old] = id
		}
		return spans[old]
	}
	out := capture{name: c.name, spans: ptrace.NewTraces(), logs: plog.NewLogs()}
	c.spans.CopyTo(out.spans)
	c.logs.CopyTo(out.logs)
	for _, rs := range out.spans.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				sp.SetTraceID(traceID(sp.TraceID()))
				sp.SetSpanID(spanID(sp.SpanID()))
				sp.SetParentSpanID(spanID(sp.ParentSpanID()))
			}
		}
	}
	for _, rl := range out.logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				lr.SetTraceID(traceID(lr.TraceID()))
				lr.SetSpanID(spanID(lr.SpanID()))
			}
		}
	}
	return out
}

// wantLogged writes out the events of c's calls, each a session named
// after its trace: its start and its conversation's at the span's start,
// the turn or usage at its end, and the ends the shutdown makes.
func wantLogged(t *testing.T, c capture) ([]string, []mindlytics.Event) {
	t.Helper()
	ok := testkit.Must[mindlytics.Event](t)
	var ids []string
	var out []mindlytics.Event
	calls := otelOpenAICalls[c.name]
	i := 0
	for _, rs := range c.spans.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				call := calls[i]
				i++
				traceID := sp.TraceID()
				session := hex.EncodeToString(traceID[:])
				at := func(ts pcommon.Timestamp) mindlytics.Identity {
					return mindlytics.Identity{SessionID: session, DeviceID: translate.AnonymousDeviceID(session), Time: ts.AsTime()}
				}
				start, end := at(sp.StartTimestamp()), at(sp.EndTimestamp())
				out = append(out,
					ok(mindlytics.StartSession(start, nil)),
					ok(mindlytics.ConversationStarted(start, session, nil, nil)))
				if call.user != "" {
					out = append(out, ok(mindlytics.ConversationTurn(end, session, mindlytics.Turn{
						User: call.user, Assistant: call.assistant, Model: fixtureModel,
						PromptTokens: call.prompt, CompletionTokens: call.completion,
					})))
				} else {
					out = append(out, ok(mindlytics.ConversationUsage(end, session, mindlytics.Usage{
						Model: fixtureModel, PromptTokens: call.prompt, CompletionTokens: call.completion,
					})))
				}
				out = append(out,
					ok(mindlytics.ConversationEnded(end, session, nil, nil)),
					ok(mindlytics.EndSession(end, nil)))
				ids = append(ids, session)
			}
		}
	}
	return ids, out
}

// postOTLP sends c's spans (or its log records) to a collector's OTLP/HTTP
// receiver as JSON, one request, as the JS SDK's exporters do.
func postOTLP(t *testing.T, endpoint string, c capture, spans bool) {
	var body []byte
	var err error
	path := "/v1/logs"
	if spans {
		body, err = (&ptrace.JSONMarshaler{}).MarshalTraces(c.spans)
		path = "/v1/traces"
	} else {
		body, err = (&plog.JSONMarshaler{}).MarshalLogs(c.logs)
	}
	if !assert.NoError(t, err) {
		return
	}
	resp, err := http.Post("http://"+endpoint+path, "application/json", bytes.NewReader(body))
	if !assert.NoError(t, err) {
		return
	}
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s of %s", path, c.name)
}
