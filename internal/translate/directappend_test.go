package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// In an open session and conversation, apply appends a record's own event
// straight to the caller's slice: a record that fails must leave it as it
// was, as when its event waited in the scratch slice, and the events
// before it untouched.
func TestOwnEventAppendedDirectlyLeavesNothingOnFailure(t *testing.T) {
	tr := newTranslator(t)
	_, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s", "", 0, time.Second, "q0", "a0"))))
	require.Empty(t, errs)

	sentinel := compact.Of(mindlytics.Event{Type: mindlytics.TypeTrack, Event: "before", SessionID: "x"})
	for _, bad := range []record{
		{kind: sc.EventIdentify, at: t0, begin: t0, id: identity{fSession: "s"}}, // no user id
		{kind: sc.EventFunction, at: t0, begin: t0, id: identity{fSession: "s"},
			call: mindlytics.FunctionCall{Name: "f", Extra: mindlytics.Properties{"nested": []int{1}}}},
	} {
		dst := make([]compact.Event, 1, 8)
		dst[0] = sentinel
		tr.mu.Lock()
		got, err := tr.apply(&bad, 1, dst)
		tr.mu.Unlock()
		require.Error(t, err, "%s", bad.kind)
		require.Len(t, got, 1, "%s", bad.kind)
		assert.Equal(t, sentinel.Expand(), got[0].Expand())
	}
	// The failed records changed nothing: the next turn is the only event.
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s", "", 3*time.Second, 4*time.Second, "q1", "a1"))))
	require.Empty(t, errs)
	require.Len(t, evs, 1)
	assert.Equal(t, mindlytics.EventConversationTurn, evs[0].Event)
}
