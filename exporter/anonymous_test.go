package exporter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// TestAnonymousSessionsAreDistinctUsers: 1,000 sessions with neither user
// nor device id reach the service with 1,000 device ids, one per session,
// so that Mindlytics never merges them into one user.
func TestAnonymousSessionsAreDistinctUsers(t *testing.T) {
	const sessions = 1000
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp := newExporter(t, srv)
	for batch := range 10 {
		rec := newRecorder()
		for s := batch * sessions / 10; s < (batch+1)*sessions/10; s++ {
			_, sp := rec.tracer.Start(context.Background(), "track", trace.WithAttributes(
				semconv.SessionID(fmt.Sprintf("anon-%04d", s)),
				semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName("visited")))
			sp.End()
		}
		require.NoError(t, exp.ExportSpans(context.Background(), []sdktrace.ReadOnlySpan(rec.ended())))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, exp.Shutdown(ctx))

	devices := map[string]bool{}
	got := srv.Sessions()
	require.Len(t, got, sessions)
	for _, s := range got {
		assert.Empty(t, s.UserID)
		require.NotEmpty(t, s.DeviceID, "session %s", s.ID)
		devices[s.DeviceID] = true
	}
	assert.Len(t, devices, sessions, "one device per session, none shared")
	// Every event of a session carries its session's device.
	for _, ev := range srv.Events() {
		assert.Equal(t, srv.SessionEvents(ev.SessionID)[0].DeviceID, ev.DeviceID)
	}
	t.Logf("%d anonymous sessions, %d events, %d distinct device ids", len(got), len(srv.Events()), len(devices))
}
