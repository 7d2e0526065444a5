package delivery

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestIsRetryable(t *testing.T) {
	for status, want := range map[int]bool{400: false, 401: false, 403: false, 404: false, 408: true, 413: false, 429: true, 500: false, 501: false, 505: false, 502: true, 503: true, 504: true} {
		assert.Equal(t, want, IsRetryable(&mindlytics.APIError{StatusCode: status}), "status %d", status)
	}
	assert.True(t, IsRetryable(errors.New("connection reset")))
	assert.False(t, IsRetryable(&mindlytics.ValidationError{Field: "x"}))
	assert.False(t, IsRetryable(nil))
}

func TestIsSplittable(t *testing.T) {
	for status, want := range map[int]bool{400: true, 413: true, 403: false, 429: false, 500: false} {
		assert.Equal(t, want, IsSplittable(&mindlytics.APIError{StatusCode: status}), "status %d", status)
	}
	assert.False(t, IsSplittable(errors.New("connection reset")))
}

func TestEncodedSessionKeyIsTheSessionKeyOfTheID(t *testing.T) {
	for _, id := range []string{"s1", "", "a\"b", "<é>", "tab\there", "\u2028"} {
		ev, err := mindlytics.Track(mindlytics.Identity{SessionID: id}, "", "e", mindlytics.Properties{"session_id": "other"})
		if id == "" {
			require.Error(t, err)
		}
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		assert.Equal(t, SessionKey(id), EncodedSessionKey(b), "%q in %s", id, b)
	}
	assert.Equal(t, uint32(0), EncodedSessionKey([]byte(`{"type":"track"}`)))
	assert.NotEqual(t, SessionKey("s1"), SessionKey("s2"))
}
