package queue

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })

	f := &fakeSender{script: func(n int, events []mindlytics.Event) error {
		switch {
		case n == 0:
			return &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable}
		case events[0].SessionID == "bad":
			return &mindlytics.APIError{StatusCode: http.StatusUnauthorized}
		}
		return nil
	}}
	q := newTestQueue(t, f, WithConcurrency(1), WithMaxRequestEvents(50),
		WithFlushInterval(time.Hour), WithMeterProvider(mp), WithRetry(time.Millisecond, time.Millisecond, time.Minute))
	for i := range 150 {
		q.Enqueue(compact.Of(trackEvent(t, "s", i)))
	}
	invalid := trackEvent(t, "dropped", 0)
	invalid.Properties["x"] = math.Inf(1)
	require.False(t, q.Enqueue(compact.Of(invalid)))
	flush(t, q)
	q.Enqueue(compact.Of(trackEvent(t, "bad", 0)))
	flush(t, q)
	s := requireBalanced(t, q)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	assert.Equal(t, meterName, rm.ScopeMetrics[0].Scope.Name)
	got := map[string]metricdata.Metrics{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		got[m.Name] = m
	}
	sum := func(name string) int64 {
		m, ok := got[name]
		require.True(t, ok, "metric %s missing", name)
		data, ok := m.Data.(metricdata.Sum[int64])
		require.True(t, ok, "%s is %T", name, m.Data)
		assert.True(t, data.IsMonotonic)
		var total int64
		for _, p := range data.DataPoints {
			total += p.Value
		}
		return total
	}
	assert.Equal(t, s.Enqueued, sum("mindlytics.queue.events.enqueued"))
	assert.Equal(t, int64(150), sum("mindlytics.queue.events.sent"))
	assert.Equal(t, int64(1), sum("mindlytics.queue.events.failed"))
	assert.Equal(t, int64(1), s.Dropped)
	assert.Equal(t, s.Dropped, sum("mindlytics.queue.events.dropped"))
	assert.Equal(t, int64(1), sum("mindlytics.queue.retries"))
	assert.Equal(t, "{event}", got["mindlytics.queue.events.sent"].Unit)

	dropped := got["mindlytics.queue.events.dropped"].Data.(metricdata.Sum[int64])
	byReason := map[string]int64{}
	for _, p := range dropped.DataPoints {
		reason, ok := p.Attributes.Value("reason")
		require.True(t, ok)
		byReason[reason.AsString()] = p.Value
	}
	assert.Equal(t, map[string]int64{"invalid": 1, "queue_full": 0, "shutdown": 0}, byReason)

	pending := got["mindlytics.queue.events.pending"].Data.(metricdata.Gauge[int64])
	require.Len(t, pending.DataPoints, 1)
	assert.Zero(t, pending.DataPoints[0].Value)

	batches := got["mindlytics.queue.batch.size"].Data.(metricdata.Histogram[int64])
	require.Len(t, batches.DataPoints, 1)
	assert.Equal(t, uint64(3), batches.DataPoints[0].Count)
	assert.Equal(t, int64(150), batches.DataPoints[0].Sum)

	latency := got["mindlytics.queue.request.duration"]
	assert.Equal(t, "s", latency.Unit)
	outcomes := map[string]uint64{}
	for _, p := range latency.Data.(metricdata.Histogram[float64]).DataPoints {
		o, _ := p.Attributes.Value("outcome")
		outcomes[o.AsString()] = p.Count
	}
	assert.Equal(t, map[string]uint64{"success": 3, "retryable": 1, "failure": 1}, outcomes)
}
