package mindlytics

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConversationEndedCarriesAnalyses(t *testing.T) {
	ev, err := ConversationEnded(Identity{SessionID: "s", UserID: "u"}, "c", Properties{"k": "v"}, nil)
	require.NoError(t, err)
	ev.ConversationAnalysis = &ConversationAnalysis{Summary: "asked for a refund \"now\"", Sentiment: SentimentNegative, Cost: 0.0012}
	ev.IntentAnalysis = &IntentAnalysis{Summary: "refund", Sentiment: SentimentNeutral, IntentFulfilled: IntentFulfilled, Cost: 1e-7}
	require.NoError(t, ev.Validate())
	got, err := ev.appendJSON(nil)
	require.NoError(t, err)
	want, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "the hand-written encoder writes encoding/json's bytes")
	assert.JSONEq(t, `{"type":"track","event":"Conversation Ended","session_id":"s","user_id":"u","conversation_id":"c",
		"properties":{"k":"v"},
		"conversation_analysis":{"summary":"asked for a refund \"now\"","sentiment":"negative","cost":0.0012},
		"intent_analysis":{"summary":"refund","sentiment":"neutral","intent_fulfilled":"yes","cost":1e-7}}`, string(got))
}

func TestAnalysesAreChecked(t *testing.T) {
	end := func() Event {
		ev, err := ConversationEnded(Identity{SessionID: "s", UserID: "u"}, "c", nil, nil)
		require.NoError(t, err)
		return ev
	}
	tests := []struct {
		name  string
		edit  func(*Event)
		field string
	}{
		{"bad sentiment", func(e *Event) { e.ConversationAnalysis = &ConversationAnalysis{Sentiment: "meh"} }, "conversation_analysis.sentiment"},
		{"NaN cost", func(e *Event) {
			e.ConversationAnalysis = &ConversationAnalysis{Sentiment: SentimentPositive, Cost: math.NaN()}
		}, "conversation_analysis.cost"},
		{"bad intent outcome", func(e *Event) {
			e.IntentAnalysis = &IntentAnalysis{Sentiment: SentimentPositive, IntentFulfilled: "maybe"}
		}, "intent_analysis.intent_fulfilled"},
		{"on another event", func(e *Event) {
			e.Event = EventConversationStarted
			e.IntentAnalysis = &IntentAnalysis{Sentiment: SentimentPositive, IntentFulfilled: IntentUnfulfilled}
		}, "intent_analysis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := end()
			tt.edit(&ev)
			var ve *ValidationError
			require.ErrorAs(t, ev.Validate(), &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}
