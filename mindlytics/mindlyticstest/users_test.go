package mindlyticstest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestUserIdentifyAndAlias(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	// A device first, then the user behind it.
	var anon mindlyticstest.User
	h.post("/bc/v1/user/identify", `{"device_id":"dev-1","traits":{"lang":"fr"}}`).decode(t, &anon)
	assert.Equal(t, "", anon.UserID)
	assert.NotEmpty(t, anon.ID)

	var rec map[string]any
	h.post("/bc/v1/user/identify", `{"id":"u1","device_id":"dev-1","traits":{"plan":"pro","seats":3}}`).decode(t, &rec)
	assert.Equal(t, h.srv.OrganizationID, rec["organization_id"])
	assert.Equal(t, h.srv.ProjectID, rec["app_id"])
	assert.Equal(t, "u1", rec["user_id"])
	assert.Equal(t, anon.ID, rec["id"], "the device's record got the user id")
	assert.Equal(t, []any{}, rec["aliases"])
	assert.NotEmpty(t, rec["created_at"])
	assert.Equal(t, map[string]any{"lang": "fr", "plan": "pro", "seats": float64(3)}, rec["traits"])

	// Last write wins.
	var u mindlyticstest.User
	h.post("/bc/v1/user/identify", `{"id":"u1","traits":{"plan":"team"}}`).decode(t, &u)
	assert.Equal(t, "team", u.Traits["plan"])

	h.post("/bc/v1/user/alias", `{"id":"u1-new","previous_id":"u1"}`).decode(t, &u)
	assert.Equal(t, "u1", u.UserID)
	assert.Equal(t, []string{"u1-new"}, u.Aliases)

	users := h.srv.Users()
	require.Len(t, users, 1)
	assert.Equal(t, []string{"dev-1"}, users[0].DeviceIDs)
	assert.Equal(t, json.Number("3"), users[0].Traits["seats"])
	for _, key := range []string{"u1", "u1-new", "dev-1"} {
		found, ok := h.srv.User(key)
		assert.True(t, ok, key)
		assert.Equal(t, anon.ID, found.ID, key)
	}
	_, ok := h.srv.User("nobody")
	assert.False(t, ok)

	// Identify and alias events in a session feed the same records.
	h.postEvents(startSession(t, "s", 0),
		testkit.Must[mindlytics.Event](t)(mindlytics.Identify(id("s", 1), "u2", "dev-2", mindlytics.Properties{"vip": true})),
		testkit.Must[mindlytics.Event](t)(mindlytics.Alias(id("s", 2), "u2-alias", "u2")))
	found, ok := h.srv.User("u2-alias")
	require.True(t, ok)
	assert.Equal(t, "u2", found.UserID)
	assert.Equal(t, true, found.Traits["vip"])
	assert.Len(t, h.srv.Users(), 2)
}

func TestUserEndpointsRejectBadBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		path, body, message string
	}{
		{"/bc/v1/user/identify", `{}`, "Invalid user: id: one of id (user id) or device_id is required"},
		{"/bc/v1/user/identify", `{"id":"u","traits":{"a":{"b":1}}}`, "Invalid user: traits.a: a map[string]interface {} is not allowed; values are strings, numbers or booleans"},
		{"/bc/v1/user/identify", `{"id":"u","session_id":"s"}`, `Invalid body: unknown field "session_id"`},
		{"/bc/v1/user/identify", `[]`, "Invalid body: expected an object, got array"},
		{"/bc/v1/user/identify", `nope`, "Invalid body: invalid character 'o' in literal null (expecting 'u')"},
		{"/bc/v1/user/alias", `{"id":"u"}`, "Invalid alias: previous_id: required"},
		{"/bc/v1/user/alias", `{"previous_id":"u"}`, "Invalid alias: id: required"},
		{"/bc/v1/user/alias", `{"id":"` + strings.Repeat("i", 101) + `","previous_id":"u"}`, "Invalid alias: id: 101 characters, at most 100 allowed"},
	}
	for _, tt := range tests {
		r := h.post(tt.path, tt.body)
		assert.Equal(t, http.StatusBadRequest, r.status, tt.body)
		assert.Equal(t, tt.message, r.body, tt.body)
	}
	assert.Empty(t, h.srv.Users())
}
