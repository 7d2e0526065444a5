package mindlyticsexporter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticstest"
)

func TestIntakeOnlyWithAnInMemorySendingQueue(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.True(t, usesIntake(cfg), "the default in-memory queue")

	storage := component.MustNewID("file_storage")
	cfg.QueueConfig.Get().StorageID = &storage
	assert.False(t, usesIntake(cfg), "a persistent queue: acknowledged once in storage")

	cfg = createDefaultConfig().(*Config)
	cfg.QueueConfig.Get().WaitForResult = true
	assert.False(t, usesIntake(cfg), "wait_for_result: the caller waits for delivery")

	cfg = createDefaultConfig().(*Config)
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	assert.False(t, usesIntake(cfg), "no sending queue: the caller waits for delivery")
}

// intakeCore is a started core with the scripted translation, shut down by
// the test itself; its logs are observed.
func intakeCore(t *testing.T, cfg *Config) (*core, *observer.ObservedLogs, *componenttest.Telemetry) {
	t.Helper()
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	zc, logs := observer.New(zapcore.InfoLevel)
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(zc)
	c, err := newCore(context.Background(), cfg, set, &scriptedTranslation{})
	require.NoError(t, err)
	require.NoError(t, c.start(context.Background(), componenttest.NewNopHost()))
	require.NotNil(t, c.intake, "the default in-memory queue has the intake")
	return c, logs, tel
}

// TestIntakeKeepsOrderAndShutdownDrainsIt: consume returns before the
// translation, the batches are translated in the order they came, and
// Shutdown right after the last one still delivers every event.
func TestIntakeKeepsOrderAndShutdownDrainsIt(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _, _ := intakeCore(t, testConfig(srv))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const batches = 300
	for i := range batches {
		sid := fmt.Sprintf("s%d", i%3)
		at := base.Add(time.Duration(i) * time.Second)
		require.NoError(t, c.consumeTraces(context.Background(), traces(sid, at, fmt.Sprintf("e%03d-a", i), fmt.Sprintf("e%03d-b", i))))
	}
	require.NoError(t, c.shutdown(context.Background()))

	got := map[string][]string{}
	for _, ev := range srv.Events() {
		got[ev.SessionID] = append(got[ev.SessionID], ev.Event)
	}
	for s := range 3 {
		sid := fmt.Sprintf("s%d", s)
		var want []string
		for i := s; i < batches; i += 3 {
			want = append(want, fmt.Sprintf("e%03d-a", i), fmt.Sprintf("e%03d-b", i))
		}
		assert.Equal(t, want, got[sid], "session %s: every event, in order", sid)
	}

	err := c.consumeTraces(context.Background(), traces("s0", base, "late"))
	assert.ErrorIs(t, err, errIntakeClosed, "after Shutdown: refused, not lost in a queue no one reads")
}

// TestIntakeHoldsTheCallerBackWhenFull: while the translation is busy, the
// intake takes intakeBatches more batches; the next consume waits, and
// gives up with its context.
func TestIntakeHoldsTheCallerBackWhenFull(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _, _ := intakeCore(t, testConfig(srv))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	batch := func(i int) error {
		return c.consumeTraces(context.Background(), traces("s", base.Add(time.Duration(i)*time.Second), fmt.Sprint("e", i)))
	}

	c.mu.Lock() // the translation waits for it
	require.NoError(t, batch(0))
	require.Eventually(t, func() bool { return len(c.intake.items) == 0 }, 5*time.Second, time.Millisecond,
		"the goroutine took the first batch and waits to translate it")
	for i := 1; i <= intakeBatches; i++ {
		require.NoError(t, batch(i), "batch %d: room in the intake", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.consumeTraces(ctx, traces("s", base.Add(time.Hour), "refused"))
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a full intake holds the caller back")
	c.mu.Unlock()

	require.NoError(t, c.shutdown(context.Background()))
	var got []string
	for _, ev := range srv.Events() {
		got = append(got, ev.Event)
	}
	assert.Equal(t, []string{"e0", "e1", "e2", "e3", "e4"}, got, "what the intake took, and not what it refused")
}

// TestIntakeCountsWhatTheSendingQueueRefuses: once consume has returned,
// the caller cannot learn that the sending queue was full; the events are
// counted and logged as dropped.
func TestIntakeCountsWhatTheSendingQueueRefuses(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.SetLatency(200 * time.Millisecond) // the queue's consumer stays busy
	cfg := testConfig(srv)
	cfg.QueueConfig.Get().QueueSize = 1
	c, logs, tel := intakeCore(t, cfg)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 6 {
		require.NoError(t, c.consumeTraces(context.Background(), traces("s", base.Add(time.Duration(i)*time.Second), fmt.Sprint("e", i))))
	}
	require.Eventually(t, func() bool { return logs.FilterMessageSnippet("Dropped events the sending queue refused").Len() > 0 },
		5*time.Second, time.Millisecond)
	srv.SetLatency(0)
	require.NoError(t, c.shutdown(context.Background()))

	var dropped int64
	for _, e := range logs.FilterMessageSnippet("Dropped events the sending queue refused").All() {
		dropped += e.ContextMap()["events"].(int64)
	}
	assert.Positive(t, dropped)
	metadatatest.AssertEqualExporterMindlyticsEventsDropped(t, tel, []metricdata.DataPoint[int64]{{Value: dropped}}, metricdatatest.IgnoreTimestamp())
	assert.Equal(t, 6, len(srv.Events())+int(dropped), "each event delivered or counted as dropped")
}
