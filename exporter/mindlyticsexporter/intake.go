package mindlyticsexporter

import (
	"context"
	"errors"
	"sync"

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
// translated, as it is with any exporter's in-memory sending queue; it is
// held back only while the intake is full.
//
// It is used only where the caller learns nothing more by waiting: not
// with a persistent queue (a batch is acknowledged once its events are in
// storage), not with wait_for_result, not without a sending queue (the
// caller waits for delivery). Data in it is in memory, as it is in the
// in-memory sending queue, and Shutdown translates it all before the
// queue shuts down.
type intake struct {
	items chan intakeItem
	done  chan struct{} // closed when the goroutine has translated everything
	// ctx is the goroutine's, for the sending queue; close cancels it when
	// its own context ends first (a queue that blocks on overflow).
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	senders sync.WaitGroup // consume calls between the check of closed and their hand-off
}

// intakeItem is one consume call's data: traces, or logs.
type intakeItem struct {
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

// startIntake starts the goroutine that translates what consume hands over.
func (c *core) startIntake() {
	in := &intake{items: make(chan intakeItem, intakeBatches), done: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(context.Background())
	c.intake = in
	go func() {
		defer close(in.done)
		for it := range in.items {
			c.translateItem(in.ctx, it)
		}
	}()
}

// put hands one consume call's data to the intake; it blocks while the
// intake is full, unless ctx ends first.
func (in *intake) put(ctx context.Context, it intakeItem) error {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return errIntakeClosed
	}
	in.senders.Add(1)
	in.mu.Unlock()
	defer in.senders.Done()
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
	}
}

// close takes no more data and waits until everything handed over is
// translated and queued; when ctx ends first, what the sending queue has
// no room for then is dropped and counted.
func (in *intake) close(ctx context.Context) {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	in.senders.Wait()
	close(in.items)
	select {
	case <-in.done:
	case <-ctx.Done():
		in.cancel()
		<-in.done
	}
	in.cancel()
}

func unref(it intakeItem) {
	if it.logs {
		pref.UnrefLogs(it.ld)
	} else {
		pref.UnrefTraces(it.td)
	}
}

// translateItem translates one item and queues its events, as a consume
// call without the intake does; what the sending queue refuses is dropped,
// counted and logged, as the caller would have done with the error.
func (c *core) translateItem(ctx context.Context, it intakeItem) {
	defer unref(it)
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
		c.dropped(ctx, n, err)
	}
}

// dropped reports the n events of a batch the sending queue refused after
// the intake had accepted the batch.
func (c *core) dropped(ctx context.Context, n int, err error) {
	c.telemetry.ExporterMindlyticsEventsDropped.Add(ctx, int64(n))
	msg := "Dropped events the sending queue refused"
	if errors.Is(err, exporterhelper.ErrQueueIsFull) {
		msg += " (full: sending_queue::block_on_overflow holds the translation back instead)"
	}
	c.logger.Warn(msg, zap.Int("events", n), zap.Error(err))
}
