package mindlytics

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

var testIdentity = Identity{SessionID: "sess-1", UserID: "user-1", Time: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}

func TestSendBatchWritesEventsAsGiven(t *testing.T) {
	fs := newFakeService(t, answer(http.StatusOK, `{"status":"queued"}`))
	c := newTestClient(t, fs)
	// Spacing and key order are kept: the events are not encoded again.
	events := []json.RawMessage{
		json.RawMessage(`{"type":"start_session","session_id":"s1","id":"u1"}`),
		json.RawMessage(`{ "session_id": "s1", "type": "track", "event": "clicked" }`),
	}
	require.NoError(t, c.SendBatch(context.Background(), events))

	r := fs.only(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, wire.PathEventsQueue, r.Path)
	assert.Equal(t, `[{"type":"start_session","session_id":"s1","id":"u1"},{ "session_id": "s1", "type": "track", "event": "clicked" }]`, string(r.Body))
}

func TestSendBatchNothingToSend(t *testing.T) {
	fs := newFakeService(t, nil)
	c := newTestClient(t, fs)
	require.NoError(t, c.SendBatch(context.Background(), nil))
	require.NoError(t, c.SendEvents(context.Background(), []Event{}))

	err := c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{}`), nil})
	var valErr *ValidationError
	require.ErrorAs(t, err, &valErr)
	assert.Equal(t, "events[1]", valErr.Field)
	assert.False(t, isRetryable(err))
	assert.Empty(t, fs.Requests())
}

func TestSendEvents(t *testing.T) {
	fs := newFakeService(t, answer(http.StatusOK, `{"status":"queued"}`))
	c := newTestClient(t, fs)
	events := []Event{
		testkit.Value(StartSession(testIdentity, Properties{"plan": "pro"})),
		testkit.Value(ConversationTurn(testIdentity, "conv-1", Turn{User: "hi", Assistant: "hello", Model: "gpt-4o", PromptTokens: 3, CompletionTokens: 5})),
		testkit.Value(EndSession(testIdentity, nil)),
	}
	require.NoError(t, c.SendEvents(context.Background(), events))

	r := fs.only(t)
	assert.Equal(t, wire.PathEventsQueue, r.Path)
	want, err := json.Marshal(events)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(r.Body))
	var got []map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &got))
	require.Len(t, got, 3)
	assert.Equal(t, "start_session", got[0]["type"])
	assert.Equal(t, "user-1", got[0]["id"])
	assert.Equal(t, "2026-03-04T05:06:07.000000Z", got[0]["timestamp"])
	assert.Equal(t, "Conversation Turn", got[1]["event"])
}

func TestInvalidEventsAreNotSent(t *testing.T) {
	valid := mustTrack(t, "s1", "ok")
	tests := []struct {
		name  string
		ev    Event
		field string
	}{
		{name: "no session", ev: Event{Type: TypeTrack, Event: "x"}, field: "session_id"},
		{name: "unknown type", ev: Event{Type: "page", SessionID: "s1"}, field: "type"},
		{name: "nested property", ev: Event{Type: TypeTrack, Event: "x", SessionID: "s1", Properties: Properties{"a": []int{1}}}, field: "properties.a"},
		{name: "turn without assistant", ev: Event{Type: TypeTrack, Event: EventConversationTurn, SessionID: "s1", ConversationID: "c", Properties: Properties{"user": "hi"}}, field: "properties.assistant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, nil)
			c := newTestClient(t, fs)
			ctx := context.Background()
			for name, send := range map[string]func() error{
				"SendEvents":      func() error { return c.SendEvents(ctx, []Event{valid, tt.ev}) },
				"SendEvent":       func() error { _, err := c.SendEvent(ctx, tt.ev); return err },
				"SendEventByKind": func() error { _, err := c.SendEventByKind(ctx, tt.ev); return err },
			} {
				err := send()
				var valErr *ValidationError
				require.ErrorAs(t, err, &valErr, name)
				assert.Equal(t, tt.field, valErr.Field, name)
				assert.False(t, isRetryable(err), name)
			}
			assert.Empty(t, fs.Requests(), "nothing may be sent")
		})
	}
}

const derivedAnswer = `[{"organization_id":"org","app_id":"proj-42","session_id":"sess-1","user_id":"user-1",
 "event_id":"e2","origin_event_id":"e1","timestamp":"2026-03-04T05:06:08Z","event":"Session Ended",
 "properties":{"topics":["a","b"],"turns":2},"user_traits":{"plan":"pro"}}]`

func TestSendEvent(t *testing.T) {
	fs := newFakeService(t, answer(http.StatusOK, derivedAnswer))
	c := newTestClient(t, fs)
	ev := testkit.Value(EndSession(testIdentity, Properties{"reason": "done"}))
	derived, err := c.SendEvent(context.Background(), ev)
	require.NoError(t, err)

	r := fs.only(t)
	assert.Equal(t, wire.PathEvent, r.Path)
	want, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(r.Body))
	require.Len(t, derived, 1)
	assert.Equal(t, LiveEvent{
		OrganizationID: "org", AppID: "proj-42", SessionID: "sess-1", UserID: "user-1",
		EventID: "e2", OriginEventID: "e1", Timestamp: "2026-03-04T05:06:08Z", Event: "Session Ended",
		Properties: map[string]any{"topics": []any{"a", "b"}, "turns": float64(2)},
		UserTraits: map[string]any{"plan": "pro"},
	}, derived[0])
}

func TestSendEventLenientAnswers(t *testing.T) {
	for _, body := range []string{"", "  \n", "null", "[]"} {
		t.Run(body, func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, body))
			c := newTestClient(t, fs)
			derived, err := c.SendEvent(context.Background(), mustTrack(t, "s1", "x"))
			require.NoError(t, err)
			assert.Empty(t, derived)
		})
	}
	t.Run("not an array", func(t *testing.T) {
		fs := newFakeService(t, answer(http.StatusOK, `{"status":"ok"}`))
		c := newTestClient(t, fs)
		_, err := c.SendEvent(context.Background(), mustTrack(t, "s1", "x"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "decoding the answer")
	})
}

func TestSendEventByKind(t *testing.T) {
	id := testIdentity
	tests := []struct {
		kind string
		ev   Event
	}{
		{"start-session", testkit.Value(StartSession(id, nil))},
		{"end-session", testkit.Value(EndSession(id, nil))},
		{"identify", testkit.Value(Identify(id, "user-2", "", Properties{"plan": "pro"}))},
		{"alias", testkit.Value(Alias(id, "user-2", "user-1"))},
		{"track", testkit.Value(Track(id, "", "Clicked", nil))},
		{"track", testkit.Value(Track(id, "conv-1", "Rated", Properties{"stars": 5}))},
		{"start-conversation", testkit.Value(ConversationStarted(id, "conv-1", nil, nil))},
		{"end-conversation", testkit.Value(ConversationEnded(id, "conv-1", nil, nil))},
		{"conversation-turn", testkit.Value(ConversationTurn(id, "conv-1", Turn{User: "u", Assistant: "a"}))},
		{"conversation-usage", testkit.Value(ConversationUsage(id, "conv-1", Usage{Cost: 0.01}))},
		{"conversation-function", testkit.Value(ConversationFunction(id, "conv-1", FunctionCall{Name: "search", Runtime: time.Second}))},
	}
	for _, tt := range tests {
		t.Run(tt.ev.Kind(), func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, derivedAnswer))
			c := newTestClient(t, fs)
			derived, err := c.SendEventByKind(context.Background(), tt.ev)
			require.NoError(t, err)
			require.Len(t, derived, 1)

			r := fs.only(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/bc/v1/events/event/"+tt.kind, r.Path)
			assert.Equal(t, r.Path, wire.KindPath(string(tt.ev.Type), tt.ev.Event))
			want, err := json.Marshal(tt.ev)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(r.Body))
		})
	}
	assert.Equal(t, wire.PathEvent, wire.KindPath("page", ""))
}
