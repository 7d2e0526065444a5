package mindlyticsexporter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/pref"
	"go.uber.org/zap"
)

// intake is the translation queue of a core whose sending queue is in
// memory: consumeTraces and consumeLogs hand their data to it and return,
// and one goroutine translates it, in the order it came, and hands the
// events to the sending queue. The caller (the batch processor, a
// receiver) is then free to take the next batch while this one is
// translated, as it is with any exporter's in-memory sending queue.
//
// The caller still learns that the sending queue is full: the events the
// core makes with no caller to answer (a batch the intake took, the ends
// of idle sessions, those of Shutdown) wait for room, and meanwhile the
// intake refuses new data with the queue's own error (with
// block_on_overflow, the queue makes them wait instead, and the caller
// waits once the intake is full).
//
// It is used only where the caller learns nothing more by waiting: not
// with a persistent queue (a batch is acknowledged once its events are in
// storage), not with wait_for_result, not without a sending queue (the
// caller waits for delivery). Data in it is in memory, as it is in the
// in-memory sending queue; Shutdown translates and queues it first,
// within its deadline.
type intake struct {
	items chan intakeItem
	done  chan struct{} // closed when the goroutine has translated everything
	// ctx ends when Shutdown's deadline does: the goroutine then stops
	// waiting for room, and what has none is dropped and counted.
	ctx    context.Context
	cancel context.CancelFunc
	// full is set while the goroutine waits for room in the sending queue.
	full atomic.Bool

	mu      sync.Mutex
	closed  bool
	senders sync.WaitGroup // consume calls between the check of closed and their hand-off
}

// intakeItem is one consume call's data, traces or logs, and the caller's
// context without its cancellation (client metadata, the trace of the
// call), as the sending queue keeps it.
type intakeItem struct {
	ctx  context.Context
	td   ptrace.Traces
	ld   plog.Logs
	logs bool
}

// intakeBatches is the batches the intake holds: enough to keep the
// translation busy while the caller brings the next, few enough that
// back-pressure reaches the caller soon.
const intakeBatches = 4

var errIntakeClosed = errors.New("mindlytics exporter: shut down")

// usesIntake says whether cfg's sending queue lets the core translate
// after consume returns (see intake).
func usesIntake(cfg *Config) bool {
	q := cfg.QueueConfig.Get()
	return q != nil && q.StorageID == nil && !q.WaitForResult
}

// startIntake starts the goroutine that translates what consume hands
// over. It runs in start, before any data comes: consume reads c.intake
// without a lock.
func (c *core) startIntake() {
	in := &intake{items: make(chan intakeItem, intakeBatches), done: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(context.Background())
	c.intake = in
	go func() {
		defer close(in.done)
		for it := range in.items {
			c.translateItem(it)
		}
	}()
}

// put hands one consume call's data to the intake; it blocks while the
// intake is full, unless ctx ends first.
func (in *intake) put(ctx context.Context, it intakeItem) error {
	if in.full.Load() {
		return exporterhelper.ErrQueueIsFull
	}
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return errIntakeClosed
	}
	in.senders.Add(1)
	in.mu.Unlock()
	defer in.senders.Done()
	it.ctx = context.WithoutCancel(ctx)
	// The pipeline may reuse data whose consumers returned, unless they
	// hold a reference, as the sending queue does.
	if it.logs {
		pref.RefLogs(it.ld)
	} else {
		pref.RefTraces(it.td)
	}
	select {
	case in.items <- it:
		return nil
	case <-ctx.Done():
		unref(it)
		return ctx.Err()
	case <-in.ctx.Done():
		unref(it)
		return errIntakeClosed
	}
}

// close takes no more data and waits until everything handed over is
// translated and queued; when ctx ends first, the goroutine stops waiting
// for room, and what has none is dropped and counted.
func (in *intake) close(ctx context.Context) {
	in.mu.Lock()
	again := in.closed
	in.closed = true
	in.mu.Unlock()
	if again {
		<-in.done
		return
	}
	go func() {
		select {
		case <-ctx.Done():
			in.cancel()
		case <-in.done:
		}
	}()
	in.senders.Wait() // a sender blocked on a full intake gets in, or gives up on cancel
	close(in.items)
	<-in.done
	in.cancel()
}

// untilRoom offers again, with a growing pause, while the sending queue is
// full; the intake refuses new data meanwhile. When ctx ends first, it
// returns the queue's refusal.
func (in *intake) untilRoom(ctx context.Context, offer func() error) error {
	in.full.Store(true)
	defer in.full.Store(false)
	pause := time.Millisecond
	for {
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return exporterhelper.ErrQueueIsFull
		}
		err := offer()
		if !errors.Is(err, exporterhelper.ErrQueueIsFull) {
			return err
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

func unref(it intakeItem) {
	if it.logs {
		pref.UnrefLogs(it.ld)
	} else {
		pref.UnrefTraces(it.td)
	}
}

// translateItem translates one item and queues its events, as a consume
// call without the intake does, waiting while the sending queue is full;
// what the queue refuses otherwise is dropped and counted (exporterhelper
// logs the refusal).
func (c *core) translateItem(it intakeItem) {
	defer unref(it)
	ctx, stop := context.WithCancel(it.ctx)
	defer stop()
	defer context.AfterFunc(c.intake.ctx, stop)()
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int
	var err error
	if it.logs {
		n, err = c.translateLogs(ctx, it.ld)
	} else {
		n, err = c.translateTraces(ctx, it.td)
	}
	if err != nil {
		c.telemetry.ExporterMindlyticsEventsDropped.Add(it.ctx, int64(n))
		c.logger.Debug("Dropped events the sending queue refused after their data was accepted", zap.Int("events", n), zap.Error(err))
	}
}
