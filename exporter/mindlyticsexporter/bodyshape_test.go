package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestPushToAServiceThatTakesObjectsOnly: the collector's push learns that
// the service takes one event object per request, says so once in the
// collector's log, and delivers every event once.
func TestPushToAServiceThatTakesObjectsOnly(t *testing.T) {
	srv := mindlyticstest.NewServer(mindlyticstest.WithBodyMode(mindlyticstest.BodyObjectsOnly))
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))
	for range 2 {
		req := newEventsRequest([]json.RawMessage{track(t, "s1", "a", t0), track(t, "s1", "b", t0), track(t, "s2", "c", t0)})
		require.NoError(t, c.push(context.Background(), req))
	}
	assert.Equal(t, []string{"a", "b", "c", "a", "b", "c"}, names(srv.Events()))
	assert.Equal(t, 1, c.logs.FilterMessageSnippet("sending one object per request").Len(), "reported once")
}
