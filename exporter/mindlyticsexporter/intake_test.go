package mindlyticsexporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
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

// intakeCore is a started core with the scripted translation and the
// intake, shut down by the test itself.
func intakeCore(t *testing.T, cfg *Config) (*core, *observer.ObservedLogs) {
	t.Helper()
	c := startTestCore(t, cfg)
	require.NotNil(t, c.intake, "the default in-memory queue has the intake")
	return c.core, c.logs
}

// TestIntakeKeepsOrderAndShutdownDrainsIt: consume returns before the
// translation, the batches are translated in the order they came, and
// Shutdown right after the last one still delivers every event.
func TestIntakeKeepsOrderAndShutdownDrainsIt(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _ := intakeCore(t, testConfig(srv))
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
	c, _ := intakeCore(t, testConfig(srv))
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

// TestIntakeRefusesWhileTheSendingQueueIsFull: the caller still learns
// that the sending queue is full. The batch the intake took waits for room
// and is delivered; new data is refused with the queue's own error
// meanwhile; nothing accepted is dropped.
func TestIntakeRefusesWhileTheSendingQueueIsFull(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.SetLatency(100 * time.Millisecond) // the queue's consumer stays busy
	cfg := testConfig(srv)
	cfg.QueueConfig.Get().QueueSize = 1
	c, logs := intakeCore(t, cfg)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var accepted []string
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; ; i++ {
		require.True(t, time.Now().Before(deadline), "the intake never refused")
		name := fmt.Sprint("e", i)
		err := c.consumeTraces(context.Background(), traces("s", base.Add(time.Duration(i)*time.Second), name))
		if errors.Is(err, exporterhelper.ErrQueueIsFull) {
			break
		}
		require.NoError(t, err)
		accepted = append(accepted, name)
	}
	srv.SetLatency(0)
	require.NoError(t, c.shutdown(context.Background()))

	var got []string
	for _, ev := range srv.Events() {
		got = append(got, ev.Event)
	}
	assert.Equal(t, accepted, got, "every accepted batch delivered, in order")
	assert.Zero(t, logs.FilterMessageSnippet("Dropped events").Len())
}

// TestIntakeCloseKeepsItsDeadline: Shutdown's deadline ends the wait of a
// caller held back by a full intake, and of the goroutine for room.
func TestIntakeCloseKeepsItsDeadline(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _ := intakeCore(t, testConfig(srv))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c.mu.Lock() // the translation waits for it
	for i := range intakeBatches + 1 {
		require.NoError(t, c.consumeTraces(context.Background(), traces("s", base.Add(time.Duration(i)*time.Second), fmt.Sprint("e", i))))
		if i == 0 {
			require.Eventually(t, func() bool { return len(c.intake.items) == 0 }, 5*time.Second, time.Millisecond)
		}
	}
	held := make(chan error, 1)
	go func() { held <- c.consumeTraces(context.Background(), traces("s", base.Add(time.Hour), "held")) }()
	select {
	case err := <-held:
		t.Fatalf("a full intake let a caller through: %v", err)
	case <-time.After(30 * time.Millisecond): // it waits
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	closed := make(chan struct{})
	go func() { c.intake.close(ctx); close(closed) }()
	select {
	case err := <-held:
		assert.ErrorIs(t, err, errIntakeClosed, "the deadline ends the caller's wait")
	case <-time.After(5 * time.Second):
		t.Fatal("the held caller still waits after Shutdown's deadline")
	}
	c.mu.Unlock()
	<-closed
	require.NoError(t, c.shutdown(context.Background()))
	assert.Len(t, srv.Events(), intakeBatches+1, "what the intake took is still translated and queued")
}

// TestIntakeRacesClose: consume calls racing Shutdown either hand their
// batch over, and it is delivered, or are refused; none is lost.
func TestIntakeRacesClose(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _ := intakeCore(t, testConfig(srv))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var took atomic.Int64
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				err := c.consumeTraces(context.Background(), traces(fmt.Sprint("s", g), base.Add(time.Duration(i)*time.Second), fmt.Sprint("e", i)))
				if err == nil {
					took.Add(1)
				} else {
					assert.ErrorIs(t, err, errIntakeClosed)
				}
			}
		})
	}
	time.Sleep(time.Millisecond)
	require.NoError(t, c.shutdown(context.Background()))
	wg.Wait()
	assert.Equal(t, int(took.Load()), len(srv.Events()), "every batch taken delivered")
}

// TestIntakeKeepsTracesAndLogsInOrder: the traces and logs pipelines share
// the core; their data is translated in the order it came.
func TestIntakeKeepsTracesAndLogsInOrder(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, _ := intakeCore(t, testConfig(srv))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var want []string
	for i := range 40 {
		at := base.Add(time.Duration(i) * time.Second)
		if i%2 == 0 {
			require.NoError(t, c.consumeTraces(context.Background(), traces("s", at, fmt.Sprint("span", i))))
			want = append(want, fmt.Sprint("span", i))
			continue
		}
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetEventName(fmt.Sprint("log", i))
		lr.Attributes().PutStr("session.id", "s")
		lr.SetTimestamp(pcommon.NewTimestampFromTime(at))
		require.NoError(t, c.consumeLogs(context.Background(), ld))
		want = append(want, fmt.Sprint("log", i))
	}
	require.NoError(t, c.shutdown(context.Background()))
	var got []string
	for _, ev := range srv.Events() {
		got = append(got, ev.Event)
	}
	assert.Equal(t, want, got)
}

// TestIntakeIdleEndsWaitForRoom: with the intake, the ends of idle sessions
// have no caller to refuse either; while the sending queue is full they
// wait for room, and are delivered.
func TestIntakeIdleEndsWaitForRoom(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.SetLatency(100 * time.Millisecond) // the queue's consumer stays busy
	cfg := testConfig(srv)
	cfg.QueueConfig.Get().QueueSize = 1
	cfg.Lifecycle.IdleCheckInterval = 5 * time.Millisecond
	tc := startTestCore(t, cfg)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ { // one in flight, one queued, one waiting for room
		require.NoError(t, tc.consumeTraces(context.Background(), traces("s", base.Add(time.Duration(i)*time.Second), fmt.Sprint("e", i))))
	}
	require.Eventually(t, tc.intake.full.Load, 5*time.Second, time.Millisecond, "the sending queue is full")
	end, err := mindlytics.EndSession(mindlytics.Identity{SessionID: "s", Time: base.Add(time.Hour)}, nil)
	require.NoError(t, err)
	tc.tr.setExpire(end)
	_, err = srv.WaitForEvents(testkit.Context(t, testkit.Wait), 4)
	require.NoError(t, err)
	srv.SetLatency(0)
	require.NoError(t, tc.shutdown(context.Background()))
	assert.Zero(t, tc.logs.FilterMessageSnippet("Failed to queue the events ending idle sessions").Len())
	var got, batches []string
	for _, ev := range srv.Events() {
		got = append(got, ev.Kind())
		if ev.Type == mindlytics.TypeTrack {
			batches = append(batches, ev.Event)
		}
	}
	// The expiry may run between two batches: the end comes where it was made.
	assert.ElementsMatch(t, []string{"track:e0", "track:e1", "track:e2", "end_session"}, got)
	assert.Equal(t, []string{"e0", "e1", "e2"}, batches)
}
