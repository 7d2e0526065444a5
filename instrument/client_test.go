package instrument_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// Identify and alias outside any session are synchronous and return the
// service's answer, its errors included.
func TestClientIdentifyAndAlias(t *testing.T) {
	srv, c := setup(t)
	rec, err := c.Identify(bg(), instrument.User{ID: "u-1", Traits: instrument.Properties{"plan": "pro"}})
	require.NoError(t, err)
	require.Equal(t, "u-1", rec.UserID)
	require.Equal(t, "pro", rec.Traits["plan"])
	require.NoError(t, c.Alias(bg(), "u-1-new", "u-1"))
	u, ok := srv.User("u-1")
	require.True(t, ok)
	require.Contains(t, u.Aliases, "u-1-new")

	srv.FailNext(403)
	_, err = c.Identify(bg(), instrument.User{DeviceID: "d-1"})
	require.Equal(t, 403, delivery.StatusCode(err))
	require.NotContains(t, err.Error(), srv.APIKey)
	require.Empty(t, srv.Events(), "no session events")
}

// New needs a key and a project, from options or the environment.
func TestNewNeedsCredentials(t *testing.T) {
	t.Setenv("MLSDK_API_KEY", "")
	t.Setenv("MLSDK_PROJECT_ID", "")
	_, err := instrument.New(bg())
	require.Error(t, err)
	_, err = instrument.New(bg(), instrument.WithAPIKey("k"))
	require.Error(t, err)
}
