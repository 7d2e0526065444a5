package instrument_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// A whole session imported with its original timestamps: every call of a
// session, in order, exactly as the service receives it.
func TestSessionImportedWithTimestamps(t *testing.T) {
	srv, c := setup(t)
	ev := must(t)
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{
		ID: "s-1", UserID: "u-1", Attributes: instrument.Properties{"plan": "pro"}, Timestamp: at(0),
	})
	require.NoError(t, err)
	ctx, err = s.StartConversation(ctx, "c-1", instrument.WithProperties(instrument.Properties{"topic": "billing"}), instrument.At(at(time.Second)))
	require.NoError(t, err)
	require.NoError(t, s.TrackTurn(ctx, instrument.Turn{
		User: "Why was I charged twice?", Assistant: "Let me check.", AssistantID: "agent-1",
		Usage:      instrument.Usage{Model: "gpt-4o", PromptTokens: 12, CompletionTokens: 5, CachedTokens: 3, ReasoningTokens: 2},
		Properties: instrument.Properties{"lang": "en"},
	}, instrument.At(at(2*time.Second))))
	require.NoError(t, s.TrackUsage(ctx, instrument.Usage{Cost: 0.25}, instrument.At(at(3*time.Second))))
	require.NoError(t, s.TrackFunction(ctx, instrument.Function{
		Name: "lookup_invoice", Args: `{"id":7}`, Result: "paid", Runtime: 150 * time.Millisecond,
	}, instrument.At(at(4*time.Second))))
	require.NoError(t, s.Track(ctx, "Refund Requested", instrument.WithProperties(instrument.Properties{"amount": 12.5}), instrument.At(at(5*time.Second))))
	require.NoError(t, s.Identify(ctx, instrument.User{ID: "u-2", Traits: instrument.Properties{"vip": true}}, instrument.At(at(6*time.Second))))
	require.NoError(t, s.Alias(ctx, "u-3", "u-2", instrument.At(at(7*time.Second))))
	analysis := mindlytics.ConversationAnalysis{Summary: "double charge refunded", Sentiment: mindlytics.SentimentPositive, Cost: 0.002}
	intent := mindlytics.IntentAnalysis{Summary: "refund", Sentiment: mindlytics.SentimentNeutral, IntentFulfilled: mindlytics.IntentFulfilled, Cost: 0.001}
	require.NoError(t, s.EndConversation(ctx, instrument.WithProperties(instrument.Properties{"resolved": true}),
		instrument.WithConversationAnalysis(analysis), instrument.WithIntentAnalysis(intent), instrument.At(at(8*time.Second))))
	require.NoError(t, s.End(ctx, instrument.WithAttributes(instrument.Properties{"exit": "done"}), instrument.At(at(9*time.Second))))

	u1 := mindlytics.Identity{SessionID: "s-1", UserID: "u-1"}
	id := func(d time.Duration, user string) mindlytics.Identity {
		i := u1
		i.Time, i.UserID = at(d), user
		return i
	}
	want := []mindlytics.Event{
		ev(mindlytics.StartSession(id(0, "u-1"), mindlytics.Properties{"plan": "pro"})),
		ev(mindlytics.ConversationStarted(id(time.Second, "u-1"), "c-1", mindlytics.Properties{"topic": "billing"}, nil)),
		ev(mindlytics.ConversationTurn(id(2*time.Second, "u-1"), "c-1", mindlytics.Turn{
			User: "Why was I charged twice?", Assistant: "Let me check.", AssistantID: "agent-1",
			Model: "gpt-4o", PromptTokens: 12, CompletionTokens: 5,
			Extra: mindlytics.Properties{"lang": "en", "cached_tokens": 3, "reasoning_tokens": 2},
		})),
		ev(mindlytics.ConversationUsage(id(3*time.Second, "u-1"), "c-1", mindlytics.Usage{Cost: 0.25})),
		ev(mindlytics.ConversationFunction(id(4*time.Second, "u-1"), "c-1", mindlytics.FunctionCall{
			Name: "lookup_invoice", Args: `{"id":7}`, Result: "paid", Runtime: 150 * time.Millisecond,
		})),
		ev(mindlytics.Track(id(5*time.Second, "u-1"), "c-1", "Refund Requested", mindlytics.Properties{"amount": 12.5})),
		// identify and alias: user_id is the user before, id the new one (as the Python SDK sends them)
		ev(mindlytics.Identify(id(6*time.Second, "u-1"), "u-2", "", mindlytics.Properties{"vip": true})),
		ev(mindlytics.Alias(id(7*time.Second, "u-2"), "u-3", "u-2")),
		ended(t, ev(mindlytics.ConversationEnded(id(8*time.Second, "u-3"), "c-1", mindlytics.Properties{"resolved": true}, nil)), analysis, intent),
		ev(mindlytics.EndSession(id(9*time.Second, "u-3"), mindlytics.Properties{"exit": "done"})),
	}
	requireEvents(t, want, flushed(t, c, srv))
	require.False(t, s.HasErrors())
	require.ErrorIs(t, s.Track(ctx, "late"), instrument.ErrSessionEnded)
}

// ended is a Conversation Ended event with the analyses given.
func ended(t *testing.T, ev mindlytics.Event, conv mindlytics.ConversationAnalysis, intent mindlytics.IntentAnalysis) mindlytics.Event {
	t.Helper()
	ev.ConversationAnalysis, ev.IntentAnalysis = &conv, &intent
	require.NoError(t, ev.Validate())
	return ev
}

// Conversations are ended as they are started, by the context
// StartConversation returned, even with another open; with two open and
// none named, EndConversation is an error and sends nothing; a turn with
// no conversation goes to the session's default one (the session id),
// which EndConversation then ends.
func TestConversationsEndByTheirContext(t *testing.T) {
	srv, c := setup(t)
	ev := must(t)
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-e", UserID: "u-e", Timestamp: at(0)})
	require.NoError(t, err)
	require.NoError(t, s.TrackTurn(ctx, instrument.Turn{User: "hi", Assistant: "hello"}, instrument.At(at(time.Second))))
	require.NoError(t, s.EndConversation(ctx, instrument.At(at(2*time.Second))), "the default conversation")
	actx, err := s.StartConversation(ctx, "c-a", instrument.At(at(3*time.Second)))
	require.NoError(t, err)
	_, err = s.StartConversation(ctx, "c-b", instrument.At(at(4*time.Second)))
	require.NoError(t, err)
	require.ErrorIs(t, s.EndConversation(ctx, instrument.At(at(5*time.Second))), instrument.ErrInvalid, "two open, none named")
	require.NoError(t, s.EndConversation(actx, instrument.At(at(6*time.Second))))
	require.NoError(t, s.EndConversation(ctx, instrument.At(at(7*time.Second))), "c-b is the only one open")

	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-e", UserID: "u-e", Time: at(d)}
	}
	want := []mindlytics.Event{
		ev(mindlytics.StartSession(id(0), nil)),
		ev(mindlytics.ConversationStarted(id(time.Second), "s-e", nil, nil)),
		ev(mindlytics.ConversationTurn(id(time.Second), "s-e", mindlytics.Turn{User: "hi", Assistant: "hello"})),
		ev(mindlytics.ConversationEnded(id(2*time.Second), "s-e", nil, nil)),
		ev(mindlytics.ConversationStarted(id(3*time.Second), "c-a", nil, nil)),
		ev(mindlytics.ConversationStarted(id(4*time.Second), "c-b", nil, nil)),
		ev(mindlytics.ConversationEnded(id(6*time.Second), "c-a", nil, nil)),
		ev(mindlytics.ConversationEnded(id(7*time.Second), "c-b", nil, nil)),
	}
	got := flushed(t, c, srv)
	requireEvents(t, want, got[:min(len(got), len(want))])
}
