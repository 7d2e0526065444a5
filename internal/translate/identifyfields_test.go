package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestIdentifyAndAliasCarryTheUserBefore: as the Python SDK sends them,
// user_id is the user the session knew before, id the new one.
func TestIdentifyAndAliasCarryTheUserBefore(t *testing.T) {
	tr := newTranslator(t)
	step := func(name string, attrs ...attribute.KeyValue) mindlytics.Event {
		t.Helper()
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, root(name, 0, time.Second, attrs...))))
		require.Empty(t, errs)
		require.NotEmpty(t, evs)
		return evs[len(evs)-1]
	}
	step("track", sc.SessionID("s"), sc.DeviceID("d1"), sc.MindlyticsEvent(sc.EventTrack))

	ev := step("identify", sc.SessionID("s"), sc.DeviceID("d1"), sc.UserID("alice"), sc.MindlyticsEvent(sc.EventIdentify))
	assert.Equal(t, mindlytics.TypeIdentify, ev.Type)
	assert.Equal(t, "alice", ev.ID, "id is the new user")
	assert.Empty(t, ev.UserID, "no user known before: the device stands alone")
	assert.Equal(t, "d1", ev.DeviceID)

	ev = step("alias", sc.SessionID("s"), sc.UserID("alice@example.com"), sc.PreviousID("alice"), sc.MindlyticsEvent(sc.EventAlias))
	assert.Equal(t, mindlytics.TypeAlias, ev.Type)
	assert.Equal(t, "alice@example.com", ev.ID)
	assert.Equal(t, "alice", ev.PreviousID)
	assert.Equal(t, "alice", ev.UserID, "user_id is the user before the alias")

	ev = step("identify", sc.SessionID("s"), sc.UserID("bob"), sc.MindlyticsEvent(sc.EventIdentify))
	assert.Equal(t, "bob", ev.ID)
	assert.Equal(t, "alice@example.com", ev.UserID)

	// A session that opens with an identify and has no device: the new id
	// is its user too (the service needs one of the two).
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans(recordSpans(t, nil,
		root("identify", 0, time.Second, sc.SessionID("s2"), sc.UserID("carol"), sc.MindlyticsEvent(sc.EventIdentify)))))
	require.Empty(t, errs)
	ev = evs[len(evs)-1]
	assert.Equal(t, "carol", ev.ID)
	assert.Equal(t, "carol", ev.UserID)
	assert.Empty(t, ev.DeviceID)
}

func TestConversationEndCarriesItsAnalyses(t *testing.T) {
	attrs := []attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.ConversationID("c"), sc.MindlyticsEvent(sc.EventConversationEnd)}
	attrs = append(attrs, sc.ConversationAnalysis("refunded", "positive", 0.002)...)
	attrs = append(attrs, sc.IntentAnalysis("refund", "neutral", "yes", 0.001)...)
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, root("end", 0, time.Second, attrs...))))
	require.Empty(t, errs)
	end := evs[len(evs)-1]
	require.Equal(t, mindlytics.EventConversationEnded, end.Event)
	assert.Equal(t, &mindlytics.ConversationAnalysis{Summary: "refunded", Sentiment: "positive", Cost: 0.002}, end.ConversationAnalysis)
	assert.Equal(t, &mindlytics.IntentAnalysis{Summary: "refund", Sentiment: "neutral", IntentFulfilled: "yes", Cost: 0.001}, end.IntentAnalysis)

	// A sentiment the service refuses drops the span with the reason.
	bad := append([]attribute.KeyValue{sc.SessionID("s2"), sc.UserID("u"), sc.ConversationID("c"), sc.MindlyticsEvent(sc.EventConversationEnd)},
		sc.ConversationAnalysis("meh", "so-so", 0)...)
	_, errs = newTranslator(t).Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, root("end", 0, time.Second, bad...))))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "conversation_analysis.sentiment")
}

func TestAnExplicitUsageCostingZeroIsSent(t *testing.T) {
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, root("usage", 0, time.Second,
		sc.SessionID("s"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventUsage), sc.UsageCost(0)))))
	require.Empty(t, errs)
	usage := evs[len(evs)-1]
	require.Equal(t, mindlytics.EventConversationUsage, usage.Event)
	assert.Equal(t, 0.0, usage.Properties["cost"])
}
