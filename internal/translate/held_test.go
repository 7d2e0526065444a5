package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// agentRun is an agent span with the ids and a model call under it without
// them, in the order they end: the call first.
func agentRun(t *testing.T, callAttrs ...any) (call, agent sdktrace.ReadOnlySpan) {
	t.Helper()
	attrs := withTexts(chatAttrs(10, 2))[2:] // the call without session and user ids
	spans := recordSpans(t, nil,
		root("invoke_agent", 0, 10*time.Second, sc.OperationName(sc.GenAIOperationInvokeAgent), sc.SessionID("s1"), sc.UserID("u1")),
		child(0, "chat", time.Second, 2*time.Second, attrs...))
	require.Equal(t, "chat", spans[0].Name())
	return spans[0], spans[1]
}

func sessionsOf(evs []mindlytics.Event) []string {
	var out []string
	for _, ev := range evs {
		if ev.Type == mindlytics.TypeStartSession {
			out = append(out, ev.SessionID)
		}
	}
	return out
}

func TestSpansWaitForTheirAncestor(t *testing.T) {
	call, agent := agentRun(t)
	t.Run("the ancestor comes in a later batch", func(t *testing.T) {
		tr := newTranslator(t)
		evs, errs := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
		require.Empty(t, errs)
		assert.Empty(t, evs, "the call waits for the agent span, which has the ids")
		assert.Equal(t, 1, tr.Stats().WaitingSpans)

		evs, errs = tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"s1"}, sessionsOf(evs))
		m := modelEvents(evs)
		require.Len(t, m, 1)
		assert.Equal(t, "s1", m[0].SessionID)
		assert.Equal(t, "u1", m[0].UserID)
		assert.Equal(t, at(2*time.Second), m[0].Timestamp, "timed when it ended, not when it was let go")
		assert.Equal(t, 0, tr.Stats().WaitingSpans)
	})
	t.Run("the ancestor does not come in time", func(t *testing.T) {
		clock := &fakeClock{now: t0}
		tr := newTranslator(t, withClock(clock.Now), withAncestorWait(30*time.Second))
		evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
		require.Empty(t, evs)
		assert.Empty(t, expireAfter(tr, clock, 29*time.Second), "still waiting")
		evs = expireAfter(tr, clock, time.Second)
		assert.Equal(t, []string{traceIDHex(1)}, sessionsOf(evs), "the fallback, after the wait")
		require.Len(t, modelEvents(evs), 1)
		assert.Equal(t, 0, tr.Stats().WaitingSpans)
		late := tr.TakeLateErrors()
		require.Len(t, late, 1, "only the notice that the fallback made a session")
		var notice *SessionFallbackNotice
		assert.ErrorAs(t, late[0], &notice)
	})
	t.Run("EndAll lets every span go", func(t *testing.T) {
		tr := newTranslator(t)
		tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
		evs := tr.EndAll()
		require.Len(t, modelEvents(evs), 1)
		assert.Equal(t, mindlytics.TypeEndSession, evs[len(evs)-1].Type, "and ends the session it opened")
	})
	t.Run("no wait", func(t *testing.T) {
		tr := newTranslator(t, withAncestorWait(0))
		evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
		assert.Equal(t, []string{traceIDHex(1)}, sessionsOf(evs))
	})
	t.Run("the errors of a span that waited are reported once", func(t *testing.T) {
		bad := recordSpans(t, nil,
			root("invoke_agent", 0, 10*time.Second, sc.OperationName(sc.GenAIOperationInvokeAgent), sc.SessionID("s1"), sc.UserID("u1")),
			child(0, "chat", time.Second, 2*time.Second, append(withTexts(chatAttrs(10, 2))[2:], conventions.GenAIUsageReasoningOutputTokensKey.Int(-5))...))
		tr := newTranslator(t)
		_, errs := tr.Translate(spanview.FromReadOnlySpans(bad[:1]))
		require.Len(t, errs, 1, "the ignored value, when the span comes")
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(bad[1:]))
		assert.Empty(t, errs, "not again when it is translated")
		assert.Len(t, modelEvents(evs), 1)
	})
	t.Run("a parent in another process is not waited for", func(t *testing.T) {
		stub := tracetest.SpanStubFromReadOnlySpan(call)
		stub.Parent = trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: call.SpanContext().TraceID(), SpanID: call.Parent().SpanID(), Remote: true})
		tr := newTranslator(t)
		evs, _ := tr.Translate(spanview.FromReadOnlySpans(tracetest.SpanStubs{stub}.Snapshots()))
		assert.Equal(t, []string{traceIDHex(1)}, sessionsOf(evs), "the fallback at once")
		assert.Equal(t, 0, tr.Stats().WaitingSpans)
	})
	t.Run("spans that make no event do not wait", func(t *testing.T) {
		http := recordSpans(t, nil, root("POST /chat", 0, 3*time.Second, sc.SessionID("s1"), sc.UserID("u1")),
			child(0, "SELECT orders", time.Second, 2*time.Second))
		tr := newTranslator(t)
		tr.Translate(spanview.FromReadOnlySpans(http[:1]))
		assert.Equal(t, 0, tr.Stats().WaitingSpans)
	})
	t.Run("a trace the cache knows does not wait", func(t *testing.T) {
		more := recordSpans(t, nil,
			root("invoke_agent", 0, 10*time.Second, sc.OperationName(sc.GenAIOperationInvokeAgent), sc.SessionID("s1"), sc.UserID("u1")),
			child(0, "first", time.Second, 2*time.Second, sc.SessionID("s1"), sc.UserID("u1"), sc.MindlyticsEvent(sc.EventTrack)),
			child(0, "chat", 3*time.Second, 4*time.Second, withTexts(chatAttrs(10, 2))[2:]...))
		require.Equal(t, []string{"chat", "first", "invoke_agent"}, []string{more[0].Name(), more[1].Name(), more[2].Name()})
		tr := newTranslator(t)
		tr.Translate(spanview.FromReadOnlySpans(more[1:2])) // "first" has the ids: the cache learns them
		evs, _ := tr.Translate(spanview.FromReadOnlySpans(more[:1]))
		assert.Equal(t, 0, tr.Stats().WaitingSpans)
		m := modelEvents(evs)
		require.Len(t, m, 1)
		assert.Equal(t, "s1", m[0].SessionID)
	})
}

// TestTheWaitCountsFromTheFirstSpan: a trace whose spans keep coming
// without its ancestor waits AncestorWait from its first span, not from
// its latest batch.
func TestTheWaitCountsFromTheFirstSpan(t *testing.T) {
	attrs := withTexts(chatAttrs(10, 2))[2:]
	spans := recordSpans(t, nil, root("invoke_agent", 0, 10*time.Minute, sc.OperationName(sc.GenAIOperationInvokeAgent)),
		child(0, "chat", time.Second, 2*time.Second, attrs...), child(0, "chat", 40*time.Second, 41*time.Second, attrs...))
	require.Equal(t, "invoke_agent", spans[2].Name())
	clock := &fakeClock{now: t0}
	tr := newTranslator(t, withClock(clock.Now), withAncestorWait(time.Minute))
	first, second := spans[1], spans[0] // the one that ended first
	if first.EndTime().After(second.EndTime()) {
		first, second = second, first
	}
	evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{first}))
	require.Empty(t, evs)
	clock.Advance(40 * time.Second)
	evs, _ = tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{second}))
	require.Empty(t, evs, "both wait")
	assert.Equal(t, 2, tr.Stats().WaitingSpans)
	evs = expireAfter(tr, clock, 20*time.Second)
	assert.Len(t, modelEvents(evs), 2, "a minute after the first span, both go")
}

// TestWaitingSpansOfOneTimeComeOutInTraceOrder: spans let go together
// that ended at the same time come out by trace, not in the map's order.
func TestWaitingSpansOfOneTimeComeOutInTraceOrder(t *testing.T) {
	attrs := withTexts(chatAttrs(10, 2))[2:] // without session and user ids: they wait
	var specs []spanSpec
	for i := range 8 {
		specs = append(specs, root("invoke_agent", 0, 10*time.Second, sc.SessionID("s1"), sc.UserID("u1")),
			child(2*i, "chat", time.Second, 2*time.Second, attrs...))
	}
	var calls []sdktrace.ReadOnlySpan
	for _, s := range recordSpans(t, nil, specs...) {
		if s.Name() == "chat" {
			calls = append(calls, s)
		}
	}
	require.Len(t, calls, 8)
	var want []string
	for i := range 8 {
		want = append(want, traceIDHex(uint64(i+1)))
	}
	for range 10 { // the map's order changes from run to run
		tr := newTranslator(t, withDefaultDeviceID("d"))
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(calls))
		require.Empty(t, errs)
		require.Empty(t, evs, "they wait for their ancestors")
		assert.Equal(t, want, sessionsOf(tr.EndAll()), "each trace its fallback session, in trace order")
	}
}
