package mindlytics_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestSendBatchLearnsTheBodyShape(t *testing.T) {
	good := json.RawMessage(`{"type":"track","event":"x","session_id":"s1"}`)
	bad := json.RawMessage(`{"type":"track","event":"x","session_id":"s1","timestamp":"yesterday"}`)
	ctx := context.Background()
	for _, tt := range []struct {
		mode    mindlyticstest.BodyMode
		objects bool
	}{
		{mindlyticstest.BodyArraysAndObjects, false},
		{mindlyticstest.BodyArraysOnly, false},
		{mindlyticstest.BodyObjectsOnly, true},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			srv := mindlyticstest.NewServer(mindlyticstest.WithBodyMode(tt.mode))
			defer srv.Close()
			c, err := mindlytics.NewClient(srv.ClientOptions()...)
			require.NoError(t, err)

			// A bad event first: refused as an array and as an object, so
			// nothing is learnt and the array's answer comes back.
			err = c.SendBatch(ctx, []json.RawMessage{bad})
			var apiErr *mindlytics.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
			assert.False(t, c.SendsObjects())

			require.NoError(t, c.SendBatch(ctx, []json.RawMessage{good}))
			assert.Equal(t, tt.objects, c.SendsObjects())
			require.NoError(t, c.SendBatch(ctx, []json.RawMessage{good, good, good}))
			assert.Len(t, srv.Events(), 4, "each good event once")

			// In objects mode a failure after some events landed says how many.
			err = c.SendBatch(ctx, []json.RawMessage{good, bad, good})
			var partial *mindlytics.PartialSendError
			if tt.objects {
				require.ErrorAs(t, err, &partial)
				assert.Equal(t, 1, partial.Sent)
				assert.Len(t, srv.Events(), 5)
			} else {
				require.ErrorAs(t, err, &apiErr)
				assert.False(t, errors.As(err, &partial))
				assert.Len(t, srv.Events(), 4, "an array is all or nothing")
			}
		})
	}
}
