package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func TestTranslateWithOrigins(t *testing.T) {
	spans := spanview.FromReadOnlySpans(recordSpans(t, nil,
		root("http GET", 0, 10*time.Second, sc.SessionID("s1"), sc.UserID("u")), // no event
		child(0, "chat gpt-4o", time.Second, 2*time.Second, sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("hi"), sc.TurnAssistant("hello")),
		child(0, "bad", 3*time.Second, 3*time.Second, sc.MindlyticsEvent("nonsense")), // dropped
		child(0, "execute_tool search", 4*time.Second, 5*time.Second, sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("search")),
		child(0, conventions.SpanNameSessionEnd, 6*time.Second, 6*time.Second, sc.MindlyticsEvent(sc.EventSessionEnd)),
	))
	want, wantErrs := newTranslator(t).Translate(spans)
	got := newTranslator(t).TranslateWithOrigins(spans)
	events, origins, errs := got.Events, got.Origins, got.Errs
	assert.Len(t, got.Spans, len(spans), "nothing waited")
	assert.Empty(t, got.Waiting)
	assert.Equal(t, want, events, "the same events as Translate")
	assert.Len(t, errs, len(wantErrs))
	require.Len(t, origins, len(events))

	kinds := make([]string, len(events))
	for i, ev := range events {
		kinds[i] = ev.Kind()
		if ev.Event != "" {
			kinds[i] = ev.Event
		}
	}
	assert.Equal(t, []string{
		"start_session", mindlytics.EventConversationStarted, mindlytics.EventConversationTurn,
		mindlytics.EventConversationFunction, mindlytics.EventConversationEnded, "end_session",
	}, kinds)
	names := make([]string, len(origins))
	for i, o := range origins {
		names[i] = spans[o].Name()
	}
	turn, tool := "chat gpt-4o", "execute_tool search"
	assert.Equal(t, []string{turn, turn, turn, tool, conventions.SpanNameSessionEnd, conventions.SpanNameSessionEnd}, names)
}

func TestTranslateWithOriginsEmpty(t *testing.T) {
	got := newTranslator(t).TranslateWithOrigins(nil)
	events, origins, errs := got.Events, got.Origins, got.Errs
	assert.Empty(t, events)
	assert.Empty(t, origins)
	assert.Empty(t, errs)
}

func TestTranslateWithOriginsSaysWhatWaits(t *testing.T) {
	call, agent := agentRun(t)
	tr := newTranslator(t)
	got := tr.TranslateWithOrigins(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
	assert.Empty(t, got.Events)
	assert.Equal(t, []int{0}, got.Waiting)
	got = tr.TranslateWithOrigins(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
	require.Len(t, got.Spans, 2, "the call that waited first, then the batch")
	assert.Equal(t, "chat", got.Spans[0].Name())
	assert.Empty(t, got.Waiting)
	for i, o := range got.Origins {
		if got.Events[i].Event == mindlytics.EventConversationTurn {
			assert.Equal(t, 0, o, "the turn came from the call that waited")
		}
	}
}

// Every span that makes no event says why: a wrapper, other work, a model
// call with nothing to count, the outer span of a stacked pair.
func TestTranslateWithOriginsSaysWhyNoEvent(t *testing.T) {
	spans := spanview.FromReadOnlySpans(recordSpans(t, nil,
		root("invoke_agent bot", 0, 10*time.Second, sc.SessionID("s1"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationInvokeAgent)),
		child(0, "GET /orders", time.Second, 2*time.Second),
		chatSpec(0, "failed chat", 2*time.Second, false),
		chatSpec(0, "outer chat", 3*time.Second, true),
		chatSpec(3, "inner chat", 3*time.Second, true),
	))
	got := newTranslator(t).TranslateWithOrigins(spans)
	require.NotEmpty(t, got.Events)
	made := map[string]bool{}
	for _, o := range got.Origins {
		made[got.Spans[o].Name()] = true
		assert.NotContains(t, got.NoEvent, o, "a span with an event has no reason")
	}
	why := map[string]string{}
	for i, w := range got.NoEvent {
		why[got.Spans[i].Name()] = w
	}
	assert.Equal(t, map[string]bool{"inner chat": true}, made)
	assert.Equal(t, map[string]string{
		"invoke_agent bot": NoEventWrapper.Text(),
		"GET /orders":      NoEventNotOurs.Text(),
		"failed chat":      NoEventNoContent.Text(),
		"outer chat":       NoEventSameCall.Text(),
	}, why)
}

// The counts of spans that made no event are the reasons
// TranslateWithOrigins gives, by reason, once: a second take is empty.
func TestTakeNoEventCountsCountsEachReason(t *testing.T) {
	spans := spanview.FromReadOnlySpans(recordSpans(t, nil,
		root("invoke_agent bot", 0, 10*time.Second, sc.SessionID("s1"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationInvokeAgent)),
		child(0, "GET /orders", time.Second, 2*time.Second),
		child(0, "GET /stock", time.Second, 2*time.Second),
		chatSpec(0, "failed chat", 2*time.Second, false),
		chatSpec(0, "outer chat", 3*time.Second, true),
		chatSpec(4, "inner chat", 3*time.Second, true),
	))
	traced := newTranslator(t).TranslateWithOrigins(spans)
	var want NoEventCounts
	for _, why := range traced.NoEvent {
		for r := range numNoEventReasons {
			if r.Text() == why {
				want[r]++
			}
		}
	}

	tr := newTranslator(t)
	_, errs := tr.Translate(spans)
	require.Empty(t, errs)
	got := tr.TakeNoEventCounts()
	assert.Equal(t, want, got, "the same reasons as TranslateWithOrigins")
	assert.Equal(t, NoEventCounts{NoEventNotOurs: 2, NoEventWrapper: 1, NoEventNoContent: 1, NoEventSameCall: 1}, got)
	assert.Equal(t, NoEventCounts{}, tr.TakeNoEventCounts(), "taken once")

}

// chatSpec is a chat span under parent: with tokens and texts, or with
// nothing to count.
func chatSpec(parent int, name string, start time.Duration, tokens bool) spanSpec {
	attrs := []attribute.KeyValue{sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o")}
	if tokens {
		attrs = append(attrs, sc.InputTokens(10), sc.OutputTokens(2), sc.TurnUser("hi"), sc.TurnAssistant("hello"))
	}
	return child(parent, name, start, start+time.Second, attrs...)
}
