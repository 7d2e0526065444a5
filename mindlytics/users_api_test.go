package mindlytics

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

func TestIdentifyUser(t *testing.T) {
	record := `{"organization_id":"org","app_id":"proj-42","user_id":"uuid-1","id":"user-1",
		"aliases":["anon-1"],"created_at":"2026-01-01T00:00:00Z","traits":{"plan":"pro","seats":3}}`
	tests := []struct {
		name     string
		in       UserIdentify
		wantBody string
	}{
		{name: "id and traits", in: UserIdentify{ID: "user-1", Traits: Properties{"plan": "pro", "seats": 3}},
			wantBody: `{"id":"user-1","traits":{"plan":"pro","seats":3}}`},
		{name: "device only", in: UserIdentify{DeviceID: "dev-1"}, wantBody: `{"device_id":"dev-1"}`},
		{name: "both", in: UserIdentify{ID: "user-1", DeviceID: "dev-1"}, wantBody: `{"id":"user-1","device_id":"dev-1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, record))
			c := newTestClient(t, fs)
			user, err := c.IdentifyUser(context.Background(), tt.in)
			require.NoError(t, err)

			r := fs.only(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, wire.PathUserIdentify, r.Path)
			assert.JSONEq(t, tt.wantBody, string(r.Body))
			assert.Equal(t, &User{
				OrganizationID: "org", AppID: "proj-42", UserID: "uuid-1", ID: "user-1",
				Aliases: []string{"anon-1"}, CreatedAt: "2026-01-01T00:00:00Z",
				Traits: map[string]any{"plan": "pro", "seats": float64(3)},
			}, user)
		})
	}
}

func TestIdentifyUserEmptyAnswer(t *testing.T) {
	fs := newFakeService(t, nil)
	c := newTestClient(t, fs)
	user, err := c.IdentifyUser(context.Background(), UserIdentify{ID: "u"})
	require.NoError(t, err)
	assert.Equal(t, &User{}, user)
}

func TestUserValidation(t *testing.T) {
	long := strings.Repeat("x", wire.MaxIDLength+1)
	fs := newFakeService(t, nil)
	c := newTestClient(t, fs)
	ctx := context.Background()
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"identify without ids", func() error { _, err := c.IdentifyUser(ctx, UserIdentify{}); return err }, "id"},
		{"identify long id", func() error { _, err := c.IdentifyUser(ctx, UserIdentify{ID: long}); return err }, "id"},
		{"identify long device", func() error { _, err := c.IdentifyUser(ctx, UserIdentify{DeviceID: long}); return err }, "device_id"},
		{"identify object trait", func() error {
			_, err := c.IdentifyUser(ctx, UserIdentify{ID: "u", Traits: Properties{"m": map[string]any{}}})
			return err
		}, "traits.m"},
		{"alias without id", func() error { return c.AliasUser(ctx, "", "old") }, "id"},
		{"alias without previous", func() error { return c.AliasUser(ctx, "new", "") }, "previous_id"},
		{"alias long previous", func() error { return c.AliasUser(ctx, "new", long) }, "previous_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var valErr *ValidationError
			require.ErrorAs(t, tt.call(), &valErr)
			assert.Equal(t, tt.field, valErr.Field)
		})
	}
	assert.Empty(t, fs.Requests())
}

func TestAliasUser(t *testing.T) {
	fs := newFakeService(t, answer(http.StatusOK, `{"status":"ok"}`))
	c := newTestClient(t, fs)
	require.NoError(t, c.AliasUser(context.Background(), "user-2", "anon-1"))
	r := fs.only(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, wire.PathUserAlias, r.Path)
	assert.Equal(t, `{"id":"user-2","previous_id":"anon-1"}`, string(r.Body))
}
