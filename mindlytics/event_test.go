package mindlytics

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

var testTime = time.Date(2026, 11, 25, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))

func TestConstructorsEncodeTheContract(t *testing.T) {
	id := Identity{SessionID: "s1", UserID: "u1", Time: testTime}
	tests := []struct {
		name  string
		build func() (Event, error)
		want  string
	}{
		{"start session", func() (Event, error) { return StartSession(id, Properties{"plan": "pro"}) },
			`{"type":"start_session","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","id":"u1","attributes":{"plan":"pro"}}`},
		{"start session by device", func() (Event, error) {
			return StartSession(Identity{SessionID: "s1", DeviceID: "d1"}, nil)
		}, `{"type":"start_session","session_id":"s1","device_id":"d1"}`},
		{"end session", func() (Event, error) { return EndSession(id, nil) },
			`{"type":"end_session","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1"}`},
		{"identify", func() (Event, error) { return Identify(id, "u2", "", Properties{"email": "a@b.c"}) },
			`{"type":"identify","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","id":"u2","traits":{"email":"a@b.c"}}`},
		{"alias", func() (Event, error) { return Alias(id, "u2", "anon-1") },
			`{"type":"alias","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","id":"u2","previous_id":"anon-1"}`},
		{"track", func() (Event, error) { return Track(id, "", "Clicked", Properties{"n": 3, "ok": true}) },
			`{"type":"track","event":"Clicked","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","properties":{"n":3,"ok":true}}`},
		{"conversation started", func() (Event, error) { return ConversationStarted(id, "c1", nil, Properties{"topic": "x"}) },
			`{"type":"track","event":"Conversation Started","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","attributes":{"topic":"x"}}`},
		{"conversation ended", func() (Event, error) { return ConversationEnded(id, "c1", Properties{"rating": 5}, nil) },
			`{"type":"track","event":"Conversation Ended","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","properties":{"rating":5}}`},
		{"turn", func() (Event, error) {
			return ConversationTurn(id, "c1", Turn{User: "hi", Assistant: "hello", Model: "gpt-4o", PromptTokens: 3, CompletionTokens: 5, Cost: 0.01, Extra: Properties{"user": "ignored", "lang": "en"}})
		}, `{"type":"track","event":"Conversation Turn","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","properties":{"assistant":"hello","completion_tokens":5,"cost":0.01,"lang":"en","model":"gpt-4o","prompt_tokens":3,"user":"hi"}}`},
		{"usage by model", func() (Event, error) {
			return ConversationUsage(id, "c1", Usage{Model: "gpt-4o", PromptTokens: 10, CompletionTokens: 20})
		}, `{"type":"track","event":"Conversation Usage","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","properties":{"completion_tokens":20,"model":"gpt-4o","prompt_tokens":10}}`},
		{"usage by cost", func() (Event, error) { return ConversationUsage(id, "c1", Usage{Cost: 0.5}) },
			`{"type":"track","event":"Conversation Usage","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","properties":{"cost":0.5}}`},
		{"function", func() (Event, error) {
			return ConversationFunction(id, "c1", FunctionCall{Name: "search", Args: `{"q":"x"}`, Result: "ok", Runtime: 1500 * time.Microsecond})
		}, `{"type":"track","event":"Conversation Function","session_id":"s1","timestamp":"2026-11-25T09:30:00.123456Z","user_id":"u1","conversation_id":"c1","properties":{"args":"{\"q\":\"x\"}","name":"search","result":"ok","runtime":1}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := tt.build()
			require.NoError(t, err)
			got, err := json.Marshal(ev)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
			assert.Equal(t, tt.want, string(got), "encoding is deterministic")
		})
	}
}

func TestInvalidEventsNameTheField(t *testing.T) {
	long := strings.Repeat("x", wire.MaxIDLength+1)
	id := Identity{SessionID: "s1", UserID: "u1"}
	tests := []struct {
		name  string
		build func() (Event, error)
		field string
	}{
		{"no session", func() (Event, error) { return Track(Identity{UserID: "u"}, "", "e", nil) }, "session_id"},
		{"long device", func() (Event, error) { return Track(Identity{SessionID: "s", DeviceID: long}, "", "e", nil) }, "device_id"},
		{"long usage model", func() (Event, error) { return ConversationUsage(id, "c", Usage{Model: long}) }, "properties.model"},
		{"start without user or device", func() (Event, error) { return StartSession(Identity{SessionID: "s"}, nil) }, "id"},
		{"long event name", func() (Event, error) { return Track(id, "", long, nil) }, "event"},
		{"empty event name", func() (Event, error) { return Track(id, "", "", nil) }, "event"},
		{"nested property", func() (Event, error) { return Track(id, "", "e", Properties{"o": map[string]any{}}) }, "properties.o"},
		{"null property", func() (Event, error) { return Track(id, "", "e", Properties{"n": nil}) }, "properties.n"},
		{"array attribute", func() (Event, error) { return StartSession(id, Properties{"a": []string{"x"}}) }, "attributes.a"},
		{"NaN trait", func() (Event, error) { return Identify(id, "u2", "", Properties{"f": math.NaN()}) }, "traits.f"},
		{"turn without conversation", func() (Event, error) { return ConversationTurn(id, "", Turn{User: "hi", Assistant: "yo"}) }, "conversation_id"},
		{"alias without previous", func() (Event, error) { return Alias(id, "u2", "") }, "previous_id"},
		{"NaN turn cost", func() (Event, error) {
			return ConversationTurn(id, "c", Turn{User: "hi", Assistant: "yo", Cost: math.NaN()})
		}, "properties.cost"},
		{"infinite usage cost", func() (Event, error) { return ConversationUsage(id, "c", Usage{Cost: math.Inf(1)}) }, "properties.cost"},
		{"nested turn extra", func() (Event, error) {
			return ConversationTurn(id, "c", Turn{User: "hi", Assistant: "yo", Extra: Properties{"o": []int{1}}})
		}, "properties.o"},
		{"nested usage extra", func() (Event, error) {
			return ConversationUsage(id, "c", Usage{Model: "m", Extra: Properties{"o": []int{1}}})
		}, "properties.o"},
		{"a year past 9999", func() (Event, error) {
			return Track(Identity{SessionID: "s", UserID: "u", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "", "e", nil)
		}, "timestamp"},
		{"nested function extra", func() (Event, error) {
			return ConversationFunction(id, "c", FunctionCall{Name: "f", Extra: Properties{"o": []int{1}}})
		}, "properties.o"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.build()
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestValidateChecksHandMadeEvents(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		field string
	}{
		{"missing type", Event{SessionID: "s"}, "type"},
		{"unknown type", Event{Type: "page", SessionID: "s"}, "type"},
		{"name on non-track", Event{Type: TypeEndSession, Event: "x", SessionID: "s"}, "event"},
		{"not RFC 3339", Event{Type: TypeEndSession, SessionID: "s", Timestamp: "yesterday"}, "timestamp"},
		{"not UTC", Event{Type: TypeEndSession, SessionID: "s", Timestamp: "2026-01-01T10:00:00+01:00"}, "timestamp"},
		{"bad json number", Event{Type: TypeTrack, Event: "e", SessionID: "s", Properties: Properties{"n": json.Number("x")}}, "properties.n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *ValidationError
			require.ErrorAs(t, tt.event.Validate(), &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	ok := Event{Type: TypeEndSession, SessionID: "s", Timestamp: "2026-01-01T10:00:00+00:00"}
	assert.NoError(t, ok.Validate(), "a +00:00 offset is UTC")
}

func TestExtraKeysTheFieldsOverwriteAreNotTheCallers(t *testing.T) {
	id := Identity{SessionID: "s1", UserID: "u1"}
	ev, err := ConversationTurn(id, "c", Turn{User: "hi", Assistant: "yo", Extra: Properties{"user": []int{1}}})
	require.NoError(t, err, "the field wins: the nested value is not sent")
	assert.Equal(t, "hi", ev.Properties["user"])
	_, err = ConversationFunction(id, "c", FunctionCall{Name: "f", Extra: Properties{"name": map[string]any{}}})
	require.NoError(t, err)
	_, err = ConversationUsage(id, "c", Usage{Model: "m", Extra: Properties{"model": []int{1}, "cached_tokens": math.NaN()}})
	require.Error(t, err, "a key of its own is still checked")
}

// TestIDsWithSpacesAroundAreNotBlank: only an id of spaces alone is blank.
func TestIDsWithSpacesAroundAreNotBlank(t *testing.T) {
	for _, sid := range []string{" s", "\ts\n", "\u00a0s", "s\u3000", "\x7f", "é"} {
		_, err := Track(Identity{SessionID: sid, UserID: "u"}, "", "e", nil)
		require.NoError(t, err, "session id %q", sid)
	}
}

// TestWhatTheServiceAcceptsIsSent: the SDKs cap only id, device_id,
// previous_id, the event name and the usage model; the rest is sent.
func TestWhatTheServiceAcceptsIsSent(t *testing.T) {
	long := strings.Repeat("x", 500)
	id := Identity{SessionID: long, UserID: long}
	for name, build := range map[string]func() (Event, error){
		"long session, user and conversation ids": func() (Event, error) { return Track(id, long, "e", nil) },
		"blank ids": func() (Event, error) {
			return Track(Identity{SessionID: " ", UserID: " ", DeviceID: " "}, "", "e", nil)
		},
		"empty turn texts":            func() (Event, error) { return ConversationTurn(id, "c", Turn{}) },
		"usage costing 0":             func() (Event, error) { return ConversationUsage(id, "c", Usage{Cost: 0}) },
		"function with an empty name": func() (Event, error) { return ConversationFunction(id, "c", FunctionCall{}) },
	} {
		t.Run(name, func(t *testing.T) {
			ev, err := build()
			require.NoError(t, err)
			require.NoError(t, ev.Validate())
		})
	}
	ev, err := ConversationUsage(id, "c", Usage{})
	require.NoError(t, err)
	assert.Equal(t, Properties{"cost": 0.0}, ev.Properties)
}
