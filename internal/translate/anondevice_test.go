package translate

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func TestAnonymousDeviceIDIsStableAndPerSession(t *testing.T) {
	a := AnonymousDeviceID("session-1")
	assert.Equal(t, a, AnonymousDeviceID("session-1"), "the same in every process")
	assert.NotEqual(t, a, AnonymousDeviceID("session-2"))
	assert.Equal(t, "otel-anon-", a[:10])
	assert.Len(t, a, 42)
	assert.Len(t, AnonymousDeviceID(string(make([]byte, 10_000))), 42, "whatever the session id's length")
	// Pinned: a collector tier and an in-process exporter, of any version,
	// derive the same id for the same session.
	assert.Equal(t, "otel-anon-84097828fc31a8c8d29210df48901a85", a)
}

func TestAnonymousSessionsGetTheirOwnDevices(t *testing.T) {
	var spans []sdktrace.ReadOnlySpan
	for i := range 50 {
		spans = append(spans, recordSpans(t, nil, root("track", 0, time.Second,
			sc.SessionID(fmt.Sprintf("anon-%02d", i)), sc.MindlyticsEvent(sc.EventTrack)))...)
	}
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans(spans))
	require.Empty(t, errs)
	devices := map[string]string{}
	for _, ev := range evs {
		require.Empty(t, ev.UserID)
		if d, ok := devices[ev.SessionID]; ok {
			assert.Equal(t, d, ev.DeviceID, "one device per session")
		}
		devices[ev.SessionID] = ev.DeviceID
		assert.Equal(t, AnonymousDeviceID(ev.SessionID), ev.DeviceID)
	}
	distinct := map[string]bool{}
	for _, d := range devices {
		distinct[d] = true
	}
	assert.Len(t, distinct, 50)
}
