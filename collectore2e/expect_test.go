package collectore2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// The events the translation makes of the emitter's sessions, written out
// from the rules of package translate: explicit starts and the starts it
// makes take a span's start time, everything else a span's end time; a
// conversation starts before its first event; ends come last, timestamped
// with the last activity.

func wantConventionSession(t *testing.T, sessionID, userID string, base time.Time) []mindlytics.Event {
	ok := testkit.Must[mindlytics.Event](t)
	at := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: sessionID, UserID: userID, Time: base.Add(d)}
	}
	conv := "conv-" + sessionID
	return []mindlytics.Event{
		ok(mindlytics.StartSession(at(0), mindlytics.Properties{"plan": "pro"})),
		ok(mindlytics.ConversationStarted(at(1200*time.Millisecond), conv, nil, nil)),
		ok(mindlytics.ConversationFunction(at(1500*time.Millisecond), conv, mindlytics.FunctionCall{
			Name: "get_weather", Args: `{"city":"Paris"}`, Result: "sunny", Runtime: 300 * time.Millisecond,
		})),
		ok(mindlytics.ConversationTurn(at(2*time.Second), conv, mindlytics.Turn{
			User: "What's the weather in Paris?", Assistant: "Sunny, 24°C.", AssistantID: "weather-bot",
			Model: "gpt-4o", PromptTokens: 12, CompletionTokens: 5,
		})),
		ok(mindlytics.Track(at(3*time.Second), conv, "Feedback Given", mindlytics.Properties{"rating": 5})),
		ok(mindlytics.ConversationEnded(at(4*time.Second), conv, nil, nil)),
		ok(mindlytics.EndSession(at(4*time.Second), nil)),
	}
}

func wantGenAISession(t *testing.T, sessionID, userID string, base time.Time) []mindlytics.Event {
	ok := testkit.Must[mindlytics.Event](t)
	at := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: sessionID, UserID: userID, Time: base.Add(d)}
	}
	// No conversation id: the session's default conversation, named after it.
	conv := sessionID
	return []mindlytics.Event{
		// The wrapper makes no event: the session starts with the chat call.
		ok(mindlytics.StartSession(at(time.Second), nil)),
		ok(mindlytics.ConversationStarted(at(time.Second), conv, nil, nil)),
		ok(mindlytics.ConversationTurn(at(3*time.Second), conv, mindlytics.Turn{
			User: "A weekend in Lisbon?", Assistant: "Day 1: Alfama. Day 2: Belém.", AssistantID: "travel-agent",
			Model: "claude-sonnet-4-20250514", PromptTokens: 40, CompletionTokens: 9,
		})),
		ok(mindlytics.ConversationFunction(at(4*time.Second), conv, mindlytics.FunctionCall{
			Name: "book_hotel", Args: `{"city":"Lisbon","nights":2}`, Result: "booked", Runtime: 500 * time.Millisecond,
		})),
		// Ended by the collector's shutdown, at the last activity.
		ok(mindlytics.ConversationEnded(at(4*time.Second), conv, nil, nil)),
		ok(mindlytics.EndSession(at(4*time.Second), nil)),
	}
}

// requireEvents compares events as they go on the wire.
func requireEvents(t *testing.T, want, got []mindlytics.Event, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, testkit.EncodeEach(t, want), testkit.EncodeEach(t, got), msgAndArgs...)
}
