package mindlyticstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestQueueAcceptsABatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sent := []mindlytics.Event{
		startSession(t, "s1", 0),
		convStarted(t, "s1", "c1", 1),
		turn(t, "s1", "c1", 2),
		convEnded(t, "s1", "c1", 3),
		endSession(t, "s1", 4),
	}
	r := h.post(wire.PathEventsQueue, sent)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.JSONEq(t, `{"status":"queued"}`, r.body)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))

	got := h.srv.Events()
	require.Len(t, got, len(sent))
	for i := range sent {
		assert.Equal(t, sent[i].Kind(), got[i].Kind())
		assert.Equal(t, sent[i].Timestamp, got[i].Timestamp)
	}
	// Numbers come back as they went on the wire.
	assert.Equal(t, json.Number("10"), got[2].Properties["prompt_tokens"])
	assert.Equal(t, "hi", got[2].Properties["user"])
	assert.Equal(t, "pro", got[0].Attributes["plan"])
	assert.Equal(t, "user-s1", got[0].ID)

	// Events returns copies.
	got[2].Properties["user"] = "changed"
	assert.Equal(t, "hi", h.srv.Events()[2].Properties["user"])

	// An empty batch is accepted and changes nothing.
	r = h.post(wire.PathEventsQueue, "[]")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Len(t, h.srv.Events(), len(sent))
	assert.Empty(t, h.srv.Violations())
}

func TestQueueIsAllOrNothing(t *testing.T) {
	t.Parallel()
	good := func(i int) string {
		return fmt.Sprintf(`{"type":"track","event":"E%d","session_id":"s1","timestamp":"2025-03-01T12:00:0%dZ"}`, i, i)
	}
	tests := []struct {
		name    string
		bad     string
		message string
	}{
		{"missing session id", `{"type":"track","event":"x"}`, "session_id: required"},
		{"missing type", `{"session_id":"s1","event":"x"}`, "Invalid wire type: undefined"},
		{"null type", `{"type":null,"session_id":"s1"}`, "Invalid wire type: undefined"},
		{"unknown type", `{"type":"page","session_id":"s1"}`, "Invalid wire type: page"},
		{"track without name", `{"type":"track","session_id":"s1"}`, "event: required"},
		{"name on a non-track", `{"type":"end_session","event":"x","session_id":"s1"}`, `event: only track events have a name, not "end_session" events`},
		{"start without user or device", `{"type":"start_session","session_id":"s1"}`, "id: one of id (user id) or device_id is required"},
		{"nested object", `{"type":"track","event":"x","session_id":"s1","properties":{"a":{"b":1}}}`, "properties.a: a map[string]interface {} is not allowed; values are strings, numbers or booleans"},
		{"array", `{"type":"track","event":"x","session_id":"s1","properties":{"a":[1,2]}}`, "properties.a: a []interface {} is not allowed; values are strings, numbers or booleans"},
		{"null value", `{"type":"track","event":"x","session_id":"s1","attributes":{"a":null}}`, "attributes.a: null is not allowed; values are strings, numbers or booleans"},
		{"unknown field holding an object", `{"type":"track","event":"x","session_id":"s1","extra":{"a":1}}`, `extra: expected a string, number or boolean, got an object`},
		{"wrong field type", `{"type":"track","event":"x","session_id":42}`, "session_id: expected a string, got number"},
		{"not an object", `"track"`, "expected an object, got string"},
		{"bad timestamp", `{"type":"track","event":"x","session_id":"s1","timestamp":"yesterday"}`, `timestamp: "yesterday" is not RFC 3339`},
		{"not UTC", `{"type":"track","event":"x","session_id":"s1","timestamp":"2025-03-01T12:00:00+02:00"}`, `timestamp: "2025-03-01T12:00:00+02:00" is not in UTC`},
		{"long device id", `{"type":"track","event":"x","session_id":"s1","device_id":"` + strings.Repeat("d", 101) + `"}`, "device_id: 101 characters, at most 100 allowed"},
		{"turn without assistant", `{"type":"track","event":"Conversation Turn","session_id":"s1","conversation_id":"c","properties":{"user":"hi"}}`, "properties.assistant: required, a string"},
		{"conversation event without conversation", `{"type":"track","event":"Conversation Started","session_id":"s1"}`, "conversation_id: required"},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "[" + good(0) + "," + good(1) + "," + good(2) + "," + tt.bad + "," + good(4) + "]"
			r := h.post(wire.PathEventsQueue, body)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, "Invalid event at index 3: "+tt.message, r.body)
			assert.Empty(t, h.srv.Events(), "no event of a rejected batch is kept")
		})
	}
	reqs := h.srv.Requests()
	require.Len(t, reqs, len(tests))
	for _, req := range reqs {
		assert.Equal(t, 5, req.Events)
		assert.Equal(t, 400, req.Status)
	}
	assert.Empty(t, h.srv.Sessions())
}

func TestEventEndpointAnswersDerivedEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var derived []mindlytics.LiveEvent
	var flat []map[string]any // the spec's shape: flat objects with a type
	r := h.post(wire.PathEvent, startSession(t, "s1", 0))
	r.decode(t, &derived)
	r.decode(t, &flat)
	require.Len(t, derived, 1)
	assert.Equal(t, "start_session", flat[0]["type"])
	le := derived[0]
	assert.Equal(t, wire.EventSessionStarted, le.Event)
	assert.Equal(t, "s1", le.SessionID)
	assert.Equal(t, "user-s1", le.UserID)
	assert.Equal(t, h.srv.OrganizationID, le.OrganizationID)
	assert.Equal(t, h.srv.ProjectID, le.AppID)
	assert.Equal(t, "2025-03-01T12:00:00.000000Z", le.Timestamp)
	assert.Equal(t, "pro", flat[0]["plan"])
	assert.NotEmpty(t, le.EventID)

	r = h.post(wire.PathEvent, track(t, "s1", 1, "Clicked"))
	r.decode(t, &derived)
	r.decode(t, &flat)
	require.Len(t, derived, 1)
	assert.Equal(t, "Clicked", derived[0].Event)
	assert.Equal(t, float64(1), flat[0]["n"])
	assert.Equal(t, "track", flat[0]["type"])
	assert.NotEqual(t, le.EventID, derived[0].EventID)

	// A missing type is the service's own message, without a prefix.
	r = h.post(wire.PathEvent, `{"session_id":"s1"}`)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "Invalid wire type: undefined", r.body)
	r = h.post(wire.PathEvent, `{"type":"track","event":"x"}`)
	assert.Equal(t, "Invalid event: session_id: required", r.body)
	assert.Len(t, h.srv.Events(), 2)
}

func TestPerKindEndpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	usage := testkit.Must[mindlytics.Event](t)(mindlytics.ConversationUsage(id("s1", 5), "c1", mindlytics.Usage{Cost: 0.25}))
	function := testkit.Must[mindlytics.Event](t)(mindlytics.ConversationFunction(id("s1", 6), "c1", mindlytics.FunctionCall{Name: "lookup", Args: "{}"}))
	identify := testkit.Must[mindlytics.Event](t)(mindlytics.Identify(id("s1", 7), "u-7", "", mindlytics.Properties{"tier": "gold"}))
	alias := testkit.Must[mindlytics.Event](t)(mindlytics.Alias(id("s1", 8), "u-8", "u-7"))
	// In session order, each on its own endpoint.
	byKind := []struct {
		kind string
		ev   mindlytics.Event
	}{
		{"start-session", startSession(t, "s1", 0)},
		{"start-conversation", convStarted(t, "s1", "c1", 1)},
		{"conversation-turn", turn(t, "s1", "c1", 2)},
		{"track", track(t, "s1", 3, "Clicked")},
		{"conversation-usage", usage},
		{"conversation-function", function},
		{"identify", identify},
		{"alias", alias},
		{"end-conversation", convEnded(t, "s1", "c1", 9)},
		{"end-session", endSession(t, "s1", 10)},
	}
	for _, k := range byKind {
		// Every other endpoint refuses the event.
		for _, other := range byKind {
			if other.kind == k.kind {
				continue
			}
			path := "/bc/v1/events/event/" + other.kind
			r := h.post(path, k.ev)
			require.Equal(t, http.StatusBadRequest, r.status, "%s on %s", k.ev.Kind(), path)
			assert.Equal(t, fmt.Sprintf("Invalid event for %s: a %s event belongs on /bc/v1/events/event/%s", path, k.ev.Kind(), k.kind), r.body)
		}
		r := h.post("/bc/v1/events/event/"+k.kind, k.ev)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", k.kind, r.body)
	}
	assert.Len(t, h.srv.Events(), len(byKind))
	assert.Empty(t, h.srv.Violations())

	// Invalid events are refused before the kind is looked at.
	r := h.post("/bc/v1/events/event/track", `{"type":"track","session_id":"s1"}`)
	assert.Equal(t, "Invalid event: event: required", r.body)
}

func TestEndSessionEndsOpenConversations(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.postEvents(startSession(t, "s1", 0), convStarted(t, "s1", "c1", 1), convStarted(t, "s1", "c2", 2),
		convEnded(t, "s1", "c2", 3))

	var derived []mindlytics.LiveEvent
	var flat []map[string]any
	r := h.post("/bc/v1/events/event/end-session", endSession(t, "s1", 4))
	r.decode(t, &derived)
	r.decode(t, &flat)
	require.Len(t, derived, 2)
	assert.Equal(t, wire.EventSessionEnded, derived[0].Event)
	assert.Equal(t, mindlytics.EventConversationEnded, derived[1].Event)
	assert.Equal(t, "c1", derived[1].ConversationID)
	assert.Equal(t, derived[0].EventID, derived[1].OriginEventID)
	assert.Equal(t, "billing", flat[1]["topic"], "the start's properties")
	assert.Equal(t, "user-s1", derived[1].UserID)

	sessions := h.srv.Sessions()
	require.Len(t, sessions, 1)
	assert.Equal(t, mindlyticstest.Session{
		ID: "s1", UserID: "user-s1", Started: true, Ended: true, Events: 5,
		Conversations: []string{"c1", "c2"},
	}, sessions[0])
	assert.Empty(t, h.srv.Violations())
}

func TestUnknownScalarFieldsAreAcceptedUnlessStrict(t *testing.T) {
	t.Parallel()
	body := `[{"type":"track","event":"x","session_id":"s1","sessionId":"s1","sdk_version":3,"beta":true}]`
	h := newHarness(t)
	r := h.post(wire.PathEventsQueue, body)
	assert.Equal(t, http.StatusOK, r.status, r.body)
	assert.Len(t, h.srv.Events(), 1)

	strict := newHarness(t, mindlyticstest.WithStrict())
	r = strict.post(wire.PathEventsQueue, body)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, `Invalid event at index 0: unknown field "sessionId"`, r.body)
	assert.Empty(t, strict.srv.Events())
}

func TestBodyModes(t *testing.T) {
	t.Parallel()
	object := `{"type":"track","event":"x","session_id":"s1"}`
	array := "[" + object + "]"
	for _, tt := range []struct {
		mode              mindlyticstest.BodyMode
		arrayOK, objectOK bool
	}{
		{mindlyticstest.BodyArraysAndObjects, true, true},
		{mindlyticstest.BodyArraysOnly, true, false},
		{mindlyticstest.BodyObjectsOnly, false, true},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			h := newHarness(t, mindlyticstest.WithBodyMode(tt.mode))
			for _, c := range []struct {
				body string
				ok   bool
			}{{array, tt.arrayOK}, {object, tt.objectOK}} {
				r := h.post(wire.PathEventsQueue, c.body)
				if c.ok {
					assert.Equal(t, http.StatusOK, r.status, "%s: %s", c.body, r.body)
				} else {
					assert.Equal(t, http.StatusBadRequest, r.status, c.body)
				}
			}
			want := 0
			for _, ok := range []bool{tt.arrayOK, tt.objectOK} {
				if ok {
					want++
				}
			}
			assert.Len(t, h.srv.Events(), want)
			for _, req := range h.srv.Requests() {
				assert.Equal(t, 1, req.Events, "a bare object counts as one event")
			}
		})
	}
}

func TestStatelessServerExpectsNoStarts(t *testing.T) {
	t.Parallel()
	body := `[{"type":"track","event":"Conversation Turn","session_id":"s1","conversation_id":"c1","user_id":"u1","properties":{"user":"hi","assistant":"hello"}},` +
		`{"type":"track","event":"Conversation Ended","session_id":"s1","conversation_id":"c1","user_id":"u1"},` +
		`{"type":"end_session","session_id":"s1","user_id":"u1"}]`
	stateful := newHarness(t)
	require.Equal(t, http.StatusOK, stateful.post(wire.PathEventsQueue, body).status)
	assert.Len(t, stateful.srv.Violations(), 5, "%v", stateful.srv.Violations())

	stateless := newHarness(t, mindlyticstest.WithStateless())
	require.Equal(t, http.StatusOK, stateless.post(wire.PathEventsQueue, body).status)
	assert.Empty(t, stateless.srv.Violations())
	sessions := stateless.srv.Sessions()
	require.Len(t, sessions, 1)
	assert.Equal(t, []string{"c1"}, sessions[0].Conversations)
	assert.Empty(t, sessions[0].OpenConversations)
	assert.True(t, sessions[0].Ended)
}

func TestAnswerEventsPlaysAPoisonEvent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, mindlyticstest.WithBodyMode(mindlyticstest.BodyArraysAndObjects))
	h.srv.AnswerEvents(func(ev mindlytics.Event) int {
		if ev.Event == "poison" {
			return http.StatusInternalServerError
		}
		return 0
	})
	r := h.post(wire.PathEventsQueue, `[{"type":"track","event":"x","session_id":"s1"},{"type":"track","event":"poison","session_id":"s1"}]`)
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.Equal(t, "Failed on the event at index 1 (track:poison)", r.body)
	assert.Empty(t, h.srv.Events())
	r = h.post(wire.PathEventsQueue, `[{"type":"track","event":"x","session_id":"s1"}]`)
	assert.Equal(t, http.StatusOK, r.status)
}
