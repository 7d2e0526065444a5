package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/bufpool"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// Sender delivers one batch of encoded events as one request whose body
// is their JSON array. It must honour ctx and must not keep events after
// it returns. *mindlytics.Client is a Sender.
type Sender = delivery.Sender

// Queue batches events and sends them in the background. Its methods are
// safe for concurrent use.
type Queue struct {
	cfg    config
	sender Sender
	lanes  []*lane
	epoch  time.Time

	counters counters
	inst     *instruments
	drops    *dropReporter

	// lostAtFlush is Failed + Dropped when the last Flush returned: a
	// Flush reports the events lost since.
	lostAtFlush atomic.Int64
	// retrying is set once a retrying service has been reported, and
	// cleared by the next request it accepts: one report per outage.
	retrying atomic.Bool

	// together is set while a request of Flush's carries the events of
	// several lanes (flushTogether); togetherBatch is its batch, reused.
	together      atomic.Bool
	togetherBatch []json.RawMessage

	closed   atomic.Bool   // set when Shutdown begins: Enqueue refuses
	draining chan struct{} // closed when Shutdown begins: lanes drain
	// sendCtx is cancelled when Shutdown's deadline passes: requests are
	// abandoned and what is left fails.
	sendCtx  context.Context
	hardStop context.CancelFunc

	beginOnce, endOnce sync.Once
}

// New starts a queue sending through sender.
func New(sender Sender, opts ...Option) (*Queue, error) {
	if sender == nil {
		return nil, errors.New("queue: New: sender is nil")
	}
	cfg := newConfig(opts)
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	q := &Queue{
		cfg:      cfg,
		sender:   sender,
		epoch:    time.Now(),
		draining: make(chan struct{}),
	}
	inst, err := newInstruments(cfg.meterProvider, &q.counters)
	if err != nil {
		return nil, err
	}
	q.inst = inst
	q.sendCtx, q.hardStop = context.WithCancel(context.Background())
	q.drops = newDropReporter(q.record)
	go q.drops.run()
	q.lanes = make([]*lane, cfg.concurrency)
	for i := range q.lanes {
		q.lanes[i] = newLane(q)
		go q.lanes[i].run()
	}
	return q, nil
}

// Enqueue queues ev for sending and returns at once: it never blocks and
// never waits for the network. It encodes ev now, so later changes to its
// maps do not affect what is sent. It returns false when ev is dropped:
// the queue is full (by events or bytes), ev cannot be encoded or is larger
// than a batch may be, or Shutdown has begun. Drops are counted in [Stats]
// and reported as an [Error]. Enqueue does not validate ev; build events
// with the constructors of package mindlytics (wrapped with compact.Of) or
// package compact, which do.
func (q *Queue) Enqueue(ev compact.Event) bool {
	q.counters.enqueued.Add(1)
	if q.closed.Load() {
		q.refuse(dropShutdown, &ev, nil)
		return false
	}
	buf := encodeBuffers.Get(1024)
	defer encodeBuffers.Put(buf)
	data, err := ev.AppendJSON((*buf)[:0])
	*buf = data
	if err != nil {
		q.refuse(dropUnencodable, &ev, fmt.Errorf("encoding event: %w", err))
		return false
	}
	if len(data)+2 > q.cfg.maxBatchBytes {
		q.refuse(dropTooLarge, &ev, fmt.Errorf("encoded event is %d bytes, more than a batch may hold (%d)",
			len(data), q.cfg.maxBatchBytes))
		return false
	}
	size := held(len(data))
	if !reserve(&q.counters.pendingEvents, 1, int64(q.cfg.maxQueueEvents)) {
		q.refuse(dropFullEvents, &ev, nil)
		return false
	}
	if !reserve(&q.counters.pendingBytes, size, q.cfg.maxQueueBytes) {
		q.counters.pendingEvents.Add(-1)
		q.refuse(dropFullBytes, &ev, nil)
		return false
	}
	if !q.laneFor(ev.SessionID).push(data, int64(time.Since(q.epoch))) {
		q.counters.pendingBytes.Add(-size)
		q.counters.pendingEvents.Add(-1)
		q.refuse(dropShutdown, &ev, nil)
		return false
	}
	return true
}

// reserve adds n to c unless that would pass limit. Compare-and-swap,
// not add-then-undo: Stats and the metrics never see the bound exceeded.
func reserve(c *atomic.Int64, n, limit int64) bool {
	for {
		old := c.Load()
		if old+n > limit {
			return false
		}
		if c.CompareAndSwap(old, old+n) {
			return true
		}
	}
}

// held is what the queue holds, and its byte bound counts, for an event
// whose JSON is n bytes: the JSON and its record header in the lane's arena.
func held(n int) int64 { return int64(n + recordOverhead) }

// encodeBuffers holds the buffers Enqueue encodes into before it copies
// the event into its lane: encoding outside the lane's lock lets callers
// encode in parallel. One an unusually large event grew is not kept.
var encodeBuffers = bufpool.New(64 << 10)

// laneFor picks a session's lane by its key (delivery.SessionKey): stable,
// so a session always lands in the same lane.
func (q *Queue) laneFor(sessionID string) *lane {
	return q.lanes[delivery.SessionKey(sessionID)%uint32(len(q.lanes))]
}

// refuse counts a dropped event and notes it for reporting.
func (q *Queue) refuse(reason dropReason, ev *compact.Event, err error) {
	q.counters.dropped[reason].Add(1)
	q.drops.note(reason, func() Error {
		e := Error{Time: time.Now(), Kind: KindDropped, SessionID: ev.SessionID, EventKind: ev.Kind(), Err: err}
		switch reason {
		case dropFullEvents:
			e.Message = fmt.Sprintf("queue full: %d events waiting or in flight", q.cfg.maxQueueEvents)
		case dropFullBytes:
			e.Message = fmt.Sprintf("queue full: %d bytes waiting or in flight", q.cfg.maxQueueBytes)
		case dropShutdown:
			e.Message = "queue shut down"
		default:
			e.Kind, e.Message = KindInvalid, err.Error()
		}
		return e
	})
}

// record logs an error and hands it to the error handler. It is called from
// the queue's goroutines holding no lock, and from Enqueue only once
// Shutdown has stopped them.
func (q *Queue) record(e Error) {
	q.cfg.logger.LogAttrs(context.Background(), slog.LevelWarn, "mindlytics queue: events not delivered",
		slog.String("kind", e.Kind), slog.Int("events", e.Events), slog.String("session_id", e.SessionID),
		slog.String("event_kind", e.EventKind), slog.Int("status", e.StatusCode), slog.String("message", e.Message))
	if q.cfg.errorHandler != nil {
		q.cfg.errorHandler(e)
	}
}

// Flush sends what is queued without waiting for batches to fill, and
// waits until every event enqueued before the call has been sent or has
// failed for good (retries included), and drops so far are reported. It
// returns ctx's error if ctx ends first (the events stay queued), and an
// error wrapping [ErrLost] when events failed or were dropped since the
// previous Flush returned: nil means everything enqueued so far was
// delivered. Either way the losses are already in [Stats] and reported.
func (q *Queue) Flush(ctx context.Context) error {
	targets := make([]int64, len(q.lanes))
	if !q.flushTogether(targets) {
		for i, l := range q.lanes {
			targets[i] = l.requestFlush()
		}
	}
	for i, l := range q.lanes {
		if err := l.waitDone(ctx, targets[i]); err != nil {
			return fmt.Errorf("queue: flush: %d events still pending: %w", q.counters.pendingEvents.Load(), err)
		}
	}
	if err := q.drops.flush(ctx); err != nil {
		return fmt.Errorf("queue: flush: %w", err)
	}
	now := q.counters.failed.Load() + q.counters.droppedTotal()
	if before := q.lostAtFlush.Swap(now); now > before {
		return fmt.Errorf("queue: flush: %d events failed or were dropped since the previous flush: %w", now-before, ErrLost)
	}
	return nil
}

// ErrLost is wrapped by the error of a [Queue.Flush] after which some
// events will never be delivered; [Error]s say which and why.
var ErrLost = errors.New("events not delivered")

// Shutdown stops accepting events, sends everything queued (retrying as
// usual) and stops the queue's goroutines. When ctx ends first, requests
// in flight are abandoned and the events not yet sent fail with an Error
// of kind [KindShutdown]; Shutdown then returns ctx's error once the
// goroutines have stopped. Later calls return at once (after the first
// has finished); Enqueue returns false from the moment Shutdown begins.
func (q *Queue) Shutdown(ctx context.Context) error {
	q.beginOnce.Do(func() {
		q.closed.Store(true)
		close(q.draining)
	})
	var err error
	for _, l := range q.lanes {
		select {
		case <-l.exited:
			continue
		case <-ctx.Done():
		}
		if err == nil {
			err = fmt.Errorf("queue: shutdown: deadline passed before the queue drained: %w", ctx.Err())
			q.hardStop()
		}
		<-l.exited
	}
	q.endOnce.Do(func() {
		q.hardStop()
		q.drops.shutdown()
		if uerr := q.inst.registration.Unregister(); uerr != nil {
			q.cfg.logger.Warn("mindlytics queue: unregistering metrics", slog.String("error", uerr.Error()))
		}
	})
	return err
}

// Stats returns a snapshot of the queue's counters.
func (q *Queue) Stats() Stats {
	c := &q.counters
	return Stats{
		Enqueued:     c.enqueued.Load(),
		Sent:         c.sent.Load(),
		Failed:       c.failed.Load(),
		Dropped:      c.droppedTotal(),
		Pending:      c.pendingEvents.Load(),
		PendingBytes: c.pendingBytes.Load(),
		Batches:      c.batches.Load(),
		Retries:      c.retries.Load(),
	}
}
