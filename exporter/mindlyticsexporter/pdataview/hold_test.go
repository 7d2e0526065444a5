package pdataview

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
)

// holdRun drives a Translator on a clock of its own and keeps the events
// each call returned.
type holdRun struct {
	t      *testing.T
	tr     *Translator
	now    time.Time
	events []mindlytics.Event
}

func newHoldRun(t *testing.T) *holdRun {
	t.Helper()
	tt, err := translate.New(translate.DefaultSettings())
	require.NoError(t, err)
	r := &holdRun{t: t, tr: NewTranslator(tt), now: t0}
	clock := func() time.Time { return r.now }
	r.tr.join.now, r.tr.hold.now = clock, clock
	return r
}

// traces translates td and returns the events it made now.
func (r *holdRun) traces(td ptrace.Traces) []mindlytics.Event {
	evs, _, errs := r.tr.TracesWithOrigins(td)
	r.noErrors(errs)
	r.events = append(r.events, evs...)
	return evs
}

func (r *holdRun) logs(ld plog.Logs) []mindlytics.Event {
	evs, _, errs := r.tr.LogsWithOrigins(ld)
	r.noErrors(errs)
	r.events = append(r.events, evs...)
	return evs
}

func (r *holdRun) expire() []mindlytics.Event {
	evs := r.tr.Expire()
	r.noErrors(r.tr.LateErrors())
	r.events = append(r.events, evs...)
	return evs
}

// noErrors fails on any error but the notice that calls without a session
// id (the official OpenAI instrumentation's) became sessions of their own.
func (r *holdRun) noErrors(errs []error) {
	r.t.Helper()
	for _, err := range errs {
		var notice *translate.SessionFallbackNotice
		if !errors.As(err, &notice) {
			r.t.Errorf("translation error: %v", err)
		}
	}
}

func (r *holdRun) endAll() []mindlytics.Event {
	evs := r.tr.EndAll()
	r.noErrors(r.tr.LateErrors())
	r.events = append(r.events, evs...)
	return evs
}

// otelOpenAI reads a capture of the official OpenAI instrumentation, whose
// spans carry no messages: its log records do.
func otelOpenAI(t testing.TB, name string) (ptrace.Traces, plog.Logs) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "testdata", "fixtures", "otel-openai")
	b, err := os.ReadFile(filepath.Join(dir, name+".traces.json"))
	require.NoError(t, err)
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	require.NoError(t, err)
	b, err = os.ReadFile(filepath.Join(dir, name+".logs.json"))
	require.NoError(t, err)
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
	require.NoError(t, err)
	return td, ld
}

// splitLogs cuts ld after its first n records (one resource, one scope in
// the fixtures), as a log exporter's timer may.
func splitLogs(ld plog.Logs, n int) (plog.Logs, plog.Logs) {
	first, rest := plog.NewLogs(), plog.NewLogs()
	ld.CopyTo(first)
	ld.CopyTo(rest)
	i := 0
	first.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().RemoveIf(func(plog.LogRecord) bool { i++; return i > n })
	i = 0
	rest.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().RemoveIf(func(plog.LogRecord) bool { i++; return i <= n })
	return first, rest
}

var otelOpenAIFixtures = []string{"chat", "chat-tool", "chat-stream", "responses", "responses-tool", "responses-stream"}

// The events of a capture whose content is in log records are the same
// whichever comes first, spans or records, whatever the gap (up to the
// window), and when the records come in two exports around the span.
func TestHoldSameEventsWhicheverComesFirst(t *testing.T) {
	for _, fx := range otelOpenAIFixtures {
		t.Run(fx, func(t *testing.T) {
			td, ld := otelOpenAI(t, fx)
			ref := newHoldRun(t)
			ref.logs(ld)
			ref.traces(td)
			ref.endAll()
			want := testkit.EncodeEach(t, ref.events)
			require.Contains(t, fmt.Sprint(want), "Conversation Turn")

			for _, gap := range []time.Duration{0, 2 * time.Second, 6 * time.Second, logJoinWindow - time.Second} {
				r := newHoldRun(t)
				assert.Empty(t, r.traces(td), "gap %s: the calls wait for their content", gap)
				r.now = r.now.Add(gap)
				assert.Empty(t, r.expire(), "gap %s: still within the window", gap)
				assert.NotEmpty(t, r.logs(ld), "gap %s: the content lets them go", gap)
				r.endAll()
				assert.Equal(t, want, testkit.EncodeEach(t, r.events), "spans first, gap %s", gap)

				r = newHoldRun(t)
				r.logs(ld)
				r.now = r.now.Add(gap)
				r.traces(td)
				r.endAll()
				assert.Equal(t, want, testkit.EncodeEach(t, r.events), "logs first, gap %s", gap)
			}

			n := ld.LogRecordCount()
			for cut := 1; cut < n; cut++ {
				before, after := splitLogs(ld, cut)
				r := newHoldRun(t)
				r.logs(before)
				r.traces(td)
				r.now = r.now.Add(2 * time.Second)
				r.logs(after)
				r.endAll()
				assert.Equal(t, want, testkit.EncodeEach(t, r.events), "the first %d of %d records, the spans, the rest", cut, n)
			}
		})
	}
}

// A held call whose content never comes goes on, as it is, once the window
// has passed; the next calls of its service and scope then go on at once,
// until content of that scope is seen again.
func TestHoldExpires(t *testing.T) {
	td, ld := otelOpenAI(t, "chat")
	r := newHoldRun(t)
	require.Empty(t, r.traces(td))
	r.now = r.now.Add(logJoinWindow - time.Millisecond)
	require.Empty(t, r.expire())
	r.now = r.now.Add(time.Millisecond)
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Usage"},
		testkit.Kinds(r.expire()), "after the window, the span as it is")
	assert.Zero(t, r.tr.hold.n)
	assert.Empty(t, r.tr.hold.held)

	second := retrace(td, 2)
	assert.NotEmpty(t, r.traces(second), "its scope sent no content in time: the next call does not wait")

	r.logs(retraceLogs(ld, 2)) // content of the scope again
	third := retrace(td, 3)
	assert.Empty(t, r.traces(third), "content came again: calls wait for it")
	assert.Contains(t, testkit.Kinds(r.logs(retraceLogs(ld, 3))), "track:Conversation Turn")
}

// retrace gives td's spans the trace id n (a call of its own).
func retrace(td ptrace.Traces, n byte) ptrace.Traces {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	for _, rs := range out.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				sp.SetTraceID(pcommon.TraceID{n})
			}
		}
	}
	return out
}

func retraceLogs(ld plog.Logs, n byte) plog.Logs {
	out := plog.NewLogs()
	ld.CopyTo(out)
	for _, rl := range out.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				lr.SetTraceID(pcommon.TraceID{n})
			}
		}
	}
	return out
}

// callSpans makes one batch of service svc and scope: for each spec a span
// of trace tid, span id (tid, i+1), ending at end.
type callSpec struct {
	end   time.Duration
	attrs map[string]any
}

func callSpans(svc, scope string, tid byte, specs ...callSpec) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", svc)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(scope)
	for i, s := range specs {
		sp := ss.Spans().AppendEmpty()
		sp.SetTraceID(pcommon.TraceID{tid})
		sp.SetSpanID(pcommon.SpanID{tid, byte(i + 1)}) // span ids are unique across traces
		sp.SetName("span")
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(s.end - 100*time.Millisecond)))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(s.end)))
		_ = sp.Attributes().FromRaw(s.attrs)
	}
	return td
}

func chatCall(session string, end time.Duration) callSpec {
	return callSpec{end, map[string]any{"session.id": session, "gen_ai.operation.name": "chat",
		"gen_ai.response.model": "gpt-4o", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2}}
}

func toolCall(session string, end time.Duration) callSpec {
	return callSpec{end, map[string]any{"session.id": session, "gen_ai.operation.name": "execute_tool",
		"gen_ai.tool.name": "lookup", "gen_ai.tool.call.arguments": "{}", "gen_ai.tool.call.result": "ok"}}
}

// detailsLog is the content of span (tid, spanID) of trace tid, from
// service svc.
func detailsLog(svc, scope string, tid byte, spanID byte, end time.Duration) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", svc)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(scope)
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName(eventInferenceDetails)
	lr.SetTraceID(pcommon.TraceID{tid})
	lr.SetSpanID(pcommon.SpanID{tid, spanID})
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(end)))
	_ = lr.Attributes().FromRaw(map[string]any{
		"gen_ai.input.messages": []any{map[string]any{"role": "user", "parts": []any{
			map[string]any{"type": "text", "content": fmt.Sprintf("Question %d?", tid)}}}},
		"gen_ai.output.messages": []any{map[string]any{"role": "assistant", "parts": []any{
			map[string]any{"type": "text", "content": fmt.Sprintf("Answer %d.", tid)}}}},
	})
	return ld
}

const knownScope = "@opentelemetry/instrumentation-openai"

// What a service sends after a held call waits behind it, so that no
// event of a session overtakes an earlier one; other services go on.
func TestHoldKeepsTheServiceOrder(t *testing.T) {
	r := newHoldRun(t)
	require.Empty(t, r.traces(callSpans("svc", knownScope, 1, chatCall("s1", 2*time.Second))))
	require.Empty(t, r.traces(callSpans("svc", "app", 2, toolCall("s1", 3*time.Second))), "behind the held call")
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Usage"},
		testkit.Kinds(r.traces(callSpans("other", knownScope, 3, callSpec{time.Second, map[string]any{
			"session.id": "s3", "gen_ai.operation.name": "chat", "gen_ai.response.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 1, "gen_ai.usage.output_tokens": 1,
			"gen_ai.output.messages": `[{"role":"assistant","parts":[]}]`, // no text: a usage event, and no wait
		}}))), "another service goes on")

	evs := r.logs(detailsLog("svc", knownScope, 1, 1, 2*time.Second))
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Turn", "track:Conversation Function"},
		testkit.Kinds(evs), "the call with its content, then what waited behind it")
	for _, ev := range evs {
		assert.Equal(t, "s1", ev.SessionID)
	}
	assert.EqualValues(t, 10, evs[2].Properties["prompt_tokens"], "the turn has the span's counts")
	assert.Zero(t, r.tr.hold.n)
}

// Content records of a service with a held call go on after it too.
func TestHoldQueuesLateContentOfItsService(t *testing.T) {
	r := newHoldRun(t)
	// Call 1, of a scope not known to log content, goes on at once.
	require.NotEmpty(t, r.traces(callSpans("svc", "lib", 1, chatCall("s1", time.Second))))
	// Content of call 0 (its span still to come) makes svc a service that
	// logs content: call 2 waits.
	require.Empty(t, r.logs(detailsLog("svc", "lib", 9, 1, 0)))
	require.Empty(t, r.traces(callSpans("svc", "lib", 2, chatCall("s1", 2*time.Second))))
	// Call 1's content, late: it waits behind call 2.
	require.Empty(t, r.logs(detailsLog("svc", "lib", 1, 1, time.Second)))
	evs := r.logs(detailsLog("svc", "lib", 2, 1, 2*time.Second))
	require.Equal(t, []string{"track:Conversation Turn", "track:Conversation Turn"}, testkit.Kinds(evs))
	assert.Equal(t, "Answer 1.", evs[0].Properties["assistant"])
	assert.Nil(t, evs[0].Properties["prompt_tokens"], "call 1 counted its tokens already")
	assert.Equal(t, "Answer 2.", evs[1].Properties["assistant"])
	assert.EqualValues(t, 10, evs[1].Properties["prompt_tokens"], "call 2 with its content and its counts")
}

// A failed call, or one whose answer is on its span, never waits.
func TestHoldOnlyCallsWithoutOutput(t *testing.T) {
	r := newHoldRun(t)
	failed := callSpans("svc", knownScope, 1, chatCall("s1", time.Second))
	failed.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Status().SetCode(ptrace.StatusCodeError)
	assert.NotEmpty(t, r.traces(failed))
	answered := chatCall("s2", time.Second)
	answered.attrs["gen_ai.output.messages"] = `[{"role":"assistant","parts":[{"type":"text","content":"Hi."}]}]`
	assert.NotEmpty(t, r.traces(callSpans("svc", knownScope, 2, answered)))
	assert.Zero(t, r.tr.hold.n)
}

// Past maxHeldSpans the oldest service's queue goes on as it is; a batch
// too big alone goes on at once.
func TestHoldBounds(t *testing.T) {
	r := newHoldRun(t)
	specs := make([]callSpec, maxHeldSpans)
	for i := range specs {
		specs[i] = chatCall("a", time.Second)
	}
	many := callSpans("a", knownScope, 1, specs[:maxHeldSpans/2]...)
	for i := range maxHeldSpans / 2 { // span ids beyond a byte
		many.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(i).SetSpanID(pcommon.SpanID{1, byte(i >> 8), byte(i)})
	}
	require.Empty(t, r.traces(many))
	more := retrace(many, 2)
	require.Empty(t, r.traces(more))
	require.Equal(t, maxHeldSpans, r.tr.hold.n)

	evs := r.traces(callSpans("b", knownScope, 3, chatCall("b", time.Second)))
	usage := 0
	for _, ev := range evs {
		require.Equal(t, "a", ev.SessionID, "only the oldest queue goes on")
		if ev.Kind() == "track:Conversation Usage" {
			usage++
		}
	}
	assert.Equal(t, maxHeldSpans, usage, "every held call of a, as it is")
	assert.Equal(t, 1, r.tr.hold.n, "b's call waits")

	r = newHoldRun(t)
	huge := callSpans("a", knownScope, 1, append(specs, chatCall("a", time.Second))...)
	for i := range maxHeldSpans + 1 {
		huge.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(i).SetSpanID(pcommon.SpanID{1, byte(i >> 8), byte(i)})
	}
	assert.NotEmpty(t, r.traces(huge), "too big to hold: on at once")
	assert.Zero(t, r.tr.hold.n)
}

// Shutdown lets every held span go: nothing is lost.
func TestHoldReleasedAtShutdown(t *testing.T) {
	for _, end := range []bool{false, true} {
		r := newHoldRun(t)
		td, _ := otelOpenAI(t, "chat-tool")
		require.Empty(t, r.traces(td))
		var evs []mindlytics.Event
		if end {
			evs = r.endAll()
		} else {
			evs = r.tr.Release()
		}
		usage := 0
		for _, ev := range evs {
			if ev.Kind() == "track:Conversation Usage" {
				usage++
			}
		}
		assert.Equal(t, 2, usage, "end %v: both calls, as they are", end)
		assert.Zero(t, r.tr.hold.n)
		assert.Empty(t, r.tr.hold.gates)
		assert.Empty(t, r.tr.hold.held)
	}
}

// With only spans (no logs pipeline), nothing waits.
func TestHoldNothingWithSpansOnly(t *testing.T) {
	r := newHoldRun(t)
	r.tr.SpansOnly(true)
	td, _ := otelOpenAI(t, "chat")
	assert.NotEmpty(t, r.traces(td))
}
