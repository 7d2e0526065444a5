package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// capturingQueue stands for exporterhelper's queue: it keeps the events
// each request was made of.
type capturingQueue struct {
	component.StartFunc
	component.ShutdownFunc
	got []encodedEvents
}

func (q *capturingQueue) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (q *capturingQueue) ConsumeTraces(ctx context.Context, _ ptrace.Traces) error {
	q.got = append(q.got, ctx.Value(eventsKey{}).(encodedEvents))
	return nil
}

// A queued request holds about its events' encoded size, however large
// the pooled buffer a larger batch left behind.
func TestQueuedRequestHoldsItsEncodedSize(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	c := &core{cfg: cfg}
	q := &capturingQueue{}
	c.queue = q
	tb, err := metadata.NewTelemetryBuilder(componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	defer tb.Shutdown()
	c.telemetry = tb
	big := encodedBuffers.Get(4 << 20) // what a batch of 12,000 events leaves in the pool
	encodedBuffers.Put(big)

	var events []compact.Event
	size := 0
	for i := range 3 {
		ev, err := mindlytics.Track(mindlytics.Identity{SessionID: "s1", UserID: "u1"}, "", "step", mindlytics.Properties{"i": i})
		require.NoError(t, err)
		events = append(events, compact.Of(ev))
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		size += len(b)
	}
	c.mu.Lock()
	n, err := c.enqueue(context.Background(), events, 0)
	c.mu.Unlock()
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Len(t, q.got, 1)
	for _, ev := range q.got[0].events {
		assert.True(t, strings.HasPrefix(string(ev), `{"`), "an event: %s", ev)
	}
	if buf := q.got[0].buf; buf != nil {
		assert.LessOrEqual(t, cap(*buf), size+maxEncodingSlack, "the request holds a pooled buffer far larger than its events")
	}
}
