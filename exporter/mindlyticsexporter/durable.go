package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"
)

// durableQueue is the sending queue of a core with sending_queue::storage:
// a FIFO of requests (each the events of one translation, encoded as
// eventsEncoding stores them) in the storage extension.
//
// exporterhelper's persistent queue is not used because it does not keep
// order across a crash: the request in flight when the collector dies is
// put back at the tail, behind everything queued after it, so a session's
// start_session could reach the service after its later events. Here the
// oldest entry (head) is deleted only once delivered (or refused for
// good), so after any crash the next start sends it first, then the rest
// in the order queued: each session's events reach the service in the
// order they were made, at least once (a request whose reply was lost,
// or whose first part landed before the crash, is sent again).
//
// Entries are written before consume returns, so a span the receiver
// acknowledged is in storage. Capacity is checked before the translation
// (hasRoom, under core.mu, the only writer): a refusal leaves the
// translation's state untouched, so the sender's retry makes the same
// events.
//
// One goroutine reads the entries in order, from the head on: each read
// takes the next entries, up to maxEvents events, as one group, numbers it
// (turns.take) and hands it to exporterhelper (which counts it; no retries
// or queue of its own there) on a goroutine of its own, up to
// 2×requests_in_flight groups at once. The push sends the group through
// the slots of turns.go, as the in-memory queue's pipelined push does: its
// events split by session over requests_in_flight slots, each slot in the
// order of the groups, so that a session's events still reach the service
// in the order made while the next groups are read and sent side by side.
// Retries happen in the slots (deliverRetrying) and end only with Shutdown,
// which leaves the group's entries in storage. A group's entries are
// deleted once it is settled (delivered, refused or dropped after the
// retries) and every earlier group is too: the entries stay a FIFO whose
// head is the oldest request not yet settled. sending_queue::batch (sizer
// items) sets the most events a group takes (max_size) and how long a
// read waits for min_size (flush_timeout).
type durableQueue struct {
	client    storage.Client
	logger    *zap.Logger
	sizer     exporterhelper.RequestSizerType
	capacity  int64
	block     bool // block_on_overflow: wait for room instead of refusing
	maxEvents int  // the most events one send takes
	// minEvents and flushTimeout are sending_queue::batch's min_size and
	// flush_timeout: with fewer events queued, a send waits up to
	// flushTimeout for more (they are in storage meanwhile).
	minEvents    int64
	flushTimeout time.Duration
	// send pushes a group through exporterhelper to the slots of turns.
	// spans is how many spans the events were made from.
	send  func(ctx context.Context, seq uint64, events []json.RawMessage, spans int) error
	turns *turns
	// groups holds a token per group being sent (2×requests_in_flight).
	groups  chan struct{}
	sending sync.WaitGroup
	// carried are the events of entry carriedAt (made from carriedSpans
	// spans), read but left for the next group; only run uses them.
	carried      []json.RawMessage
	carriedSpans int
	carriedAt    uint64

	mu   sync.Mutex
	meta durableMeta
	// settled are the groups settled before an earlier one, by their first
	// entry, to delete once the head reaches them.
	settled map[uint64]settledGroup
	more    chan struct{} // a token when an entry was added
	room    chan struct{} // a token when entries were removed

	ctx    context.Context // ends the sending (shutdown)
	cancel context.CancelFunc
	done   chan struct{}
}

// durableMeta is the queue's bookkeeping, stored under durableMetaKey and
// written in the same storage batch as each change of the entries.
type durableMeta struct {
	Head  uint64 `json:"head"`  // the oldest entry not yet delivered
	Tail  uint64 `json:"tail"`  // the index of the next entry
	Items int64  `json:"items"` // events held
	Bytes int64  `json:"bytes"` // their encoded size
}

const (
	// durableClientName names the storage client of the queue (the
	// lifecycle state has its own, statestore.go).
	durableClientName = "events"
	durableMetaKey    = "meta"
	// drainWait bounds how long Shutdown keeps sending what the queue
	// holds; the rest is sent after the next start.
	drainWait = 2 * time.Second
	// durablePoll is how often a wait for room looks again.
	durablePoll = 20 * time.Millisecond
)

func durableEntryKey(i uint64) string { return "e" + strconv.FormatUint(i, 10) }

// openDurableQueue opens the queue in the storage extension of cfg's
// sending_queue::storage and starts sending what it holds.
func openDurableQueue(ctx context.Context, c *core, host component.Host) (*durableQueue, error) {
	qc := c.cfg.QueueConfig.Get()
	ext, found := host.GetExtensions()[*qc.StorageID]
	if !found {
		return nil, fmt.Errorf("mindlytics exporter: sending_queue::storage: no extension %s", qc.StorageID)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("mindlytics exporter: sending_queue::storage: %s is not a storage extension", qc.StorageID)
	}
	client, err := se.GetClient(ctx, component.KindExporter, c.set.ID, durableClientName)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: sending queue storage: %w", err)
	}
	q := &durableQueue{
		client:    client,
		logger:    c.logger,
		sizer:     qc.Sizer,
		capacity:  qc.QueueSize,
		block:     qc.BlockOnOverflow,
		maxEvents: max(1, c.cfg.MaxRequestEvents*max(1, c.cfg.RequestsInFlight)),
		send:      c.sendEvents,
		groups:    make(chan struct{}, pipelineConsumers(c.cfg)),
		settled:   map[uint64]settledGroup{},
		more:      make(chan struct{}, 1),
		room:      make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	data, err := client.Get(ctx, durableMetaKey)
	if err == nil && len(data) > 0 {
		err = json.Unmarshal(data, &q.meta)
	}
	if err != nil {
		_ = client.Close(ctx)
		return nil, fmt.Errorf("mindlytics exporter: reading the sending queue's state: %w", err)
	}
	if n := q.meta.Tail - q.meta.Head; n > 0 {
		c.logger.Info("Resuming the sending queue kept before, oldest first", zap.Uint64("requests", n), zap.Int64("events", q.meta.Items))
	}
	if b := qc.Batch.Get(); b != nil && b.Sizer == exporterhelper.RequestSizerTypeItems {
		if b.MaxSize > 0 {
			q.maxEvents = int(b.MaxSize)
		}
		q.minEvents, q.flushTimeout = b.MinSize, b.FlushTimeout
	}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	// The slots' retries end with the queue's sending (Shutdown), not
	// with c.stop: what is not delivered by then stays in storage.
	q.turns = newTurns(c.cfg.RequestsInFlight, c.cfg.Limits(), func(events []json.RawMessage) (int, error) {
		return c.deliverSettling(q.ctx, c.sender(), events, c.cfg.Limits())
	})
	return q, nil
}

// size is what the queue holds in the unit of sending_queue::sizer; q.mu
// must be held.
func (q *durableQueue) size() int64 {
	switch q.sizer {
	case exporterhelper.RequestSizerTypeItems:
		return q.meta.Items
	case exporterhelper.RequestSizerTypeBytes:
		return q.meta.Bytes
	default:
		return int64(q.meta.Tail - q.meta.Head)
	}
}

// hasRoom returns nil when the queue can take another request, else
// exporterhelper.ErrQueueIsFull (a retryable refusal: receivers answer
// 503 / UNAVAILABLE and the sender retries). With block_on_overflow it
// waits for room until ctx ends. The queue may then exceed queue_size by
// one request: a batch is never cut.
func (q *durableQueue) hasRoom(ctx context.Context) error {
	if q == nil {
		return nil
	}
	for {
		q.mu.Lock()
		full := q.size() >= q.capacity
		q.mu.Unlock()
		if !full {
			return nil
		}
		if !q.block {
			return exporterhelper.ErrQueueIsFull
		}
		select {
		case <-q.room:
		case <-time.After(durablePoll): // another waiter may have taken the token
		case <-ctx.Done():
			return exporterhelper.ErrQueueIsFull
		case <-q.ctx.Done():
			return errIntakeClosed
		}
	}
}

// put stores events, made from spans spans, as the tail entry; once it
// returns nil they survive a crash. It is called with core.mu held and
// takes no capacity into account (see hasRoom).
func (q *durableQueue) put(ctx context.Context, events []json.RawMessage, spans int) error {
	data := encodeStored(events, spans)
	q.mu.Lock()
	defer q.mu.Unlock()
	meta := q.meta
	meta.Tail++
	meta.Items += int64(len(events))
	meta.Bytes += int64(encodedSize(events))
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if err := q.client.Batch(ctx, storage.SetOperation(durableEntryKey(q.meta.Tail), data), storage.SetOperation(durableMetaKey, mb)); err != nil {
		return fmt.Errorf("mindlytics exporter: storing events in the sending queue: %w", err)
	}
	q.meta = meta
	signal(q.more)
	return nil
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// run reads the queue's entries, oldest first, and sends them in groups,
// several at once, until shutdown; it returns once every group it started
// is back.
func (q *durableQueue) run() {
	defer close(q.done)
	defer q.sending.Wait()
	q.mu.Lock()
	next := q.meta.Head // the first entry not yet read
	q.mu.Unlock()
	for {
		q.mu.Lock()
		tail := q.meta.Tail
		q.mu.Unlock()
		if next == tail {
			select {
			case <-q.more:
				continue
			case <-q.ctx.Done():
				return
			}
		}
		q.waitForBatch()
		select {
		case q.groups <- struct{}{}:
		case <-q.ctx.Done():
			return
		}
		q.mu.Lock()
		tail = q.meta.Tail
		q.mu.Unlock()
		events, spans, entries := q.read(next, tail)
		if entries == 0 { // shutting down
			<-q.groups
			return
		}
		from := next
		next += entries
		if len(events) == 0 { // only entries that could not be read
			<-q.groups
			q.settle(from, entries, nil)
			continue
		}
		seq := q.turns.take() // in the order of the entries: only run takes
		q.sending.Go(func() {
			defer func() { <-q.groups }()
			if err := q.send(q.ctx, seq, events, spans); err != nil && q.ctx.Err() != nil {
				return // shutting down: the entries stay for the next start
			}
			// Delivered, or refused or dropped for good (counted where
			// that happened).
			q.settle(from, entries, events)
		})
	}
}

// waitForBatch waits, up to flushTimeout, until the queue holds minEvents
// events.
func (q *durableQueue) waitForBatch() {
	if q.minEvents <= 0 || q.flushTimeout <= 0 {
		return
	}
	flush := time.NewTimer(q.flushTimeout)
	defer flush.Stop()
	for {
		q.mu.Lock()
		enough := q.meta.Items >= q.minEvents
		q.mu.Unlock()
		if enough {
			return
		}
		select {
		case <-q.more:
		case <-flush.C:
			return
		case <-q.ctx.Done():
			return
		}
	}
}

// read returns the events of the entries from head on, up to maxEvents
// (at least the head's), the spans they were made from, and how many
// entries they are. An entry that cannot be read is logged and skipped.
// The entry read that did not fit is kept for the next read (only run
// reads).
func (q *durableQueue) read(head, tail uint64) ([]json.RawMessage, int, uint64) {
	var events []json.RawMessage
	var spans int
	var n uint64
	for i := head; i < tail; i++ {
		var evs []json.RawMessage
		var evSpans int
		var err error
		if q.carried != nil && q.carriedAt == i {
			evs, evSpans, q.carried = q.carried, q.carriedSpans, nil
		} else {
			var data []byte
			if data, err = q.client.Get(q.ctx, durableEntryKey(i)); err == nil {
				evs, evSpans, err = decodeStored(data)
			}
		}
		if err != nil {
			if q.ctx.Err() != nil {
				return events, spans, n
			}
			q.logger.Error("Skipped an entry of the sending queue that could not be read", zap.Uint64("entry", i), zap.Error(err))
			n++
			continue
		}
		if n > 0 && len(events)+len(evs) > q.maxEvents {
			q.carried, q.carriedSpans, q.carriedAt = evs, evSpans, i
			break
		}
		events = append(events, evs...)
		spans += evSpans
		n++
	}
	return events, spans, n
}

// settledGroup is a settled group of entries: how many, and the events
// they held.
type settledGroup struct {
	entries uint64
	events  int64
	bytes   int64
}

// settle notes that the n entries from from on, which held events, are
// settled, and deletes the entries from the head on that are, in order.
func (q *durableQueue) settle(from, n uint64, events []json.RawMessage) {
	g := settledGroup{entries: n, events: int64(len(events)), bytes: int64(encodedSize(events))}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settled[from] = g
	meta := q.meta
	var ops []*storage.Operation
	for {
		g, ok := q.settled[meta.Head]
		if !ok {
			break
		}
		delete(q.settled, meta.Head)
		for i := meta.Head; i < meta.Head+g.entries; i++ {
			ops = append(ops, storage.DeleteOperation(durableEntryKey(i)))
		}
		meta.Head += g.entries
		meta.Items = max(0, meta.Items-g.events)
		meta.Bytes = max(0, meta.Bytes-g.bytes)
	}
	if len(ops) == 0 {
		return // an earlier group is still being sent
	}
	if meta.Head == meta.Tail {
		meta.Items, meta.Bytes = 0, 0
	}
	mb, err := json.Marshal(meta)
	if err == nil {
		ops = append(ops, storage.SetOperation(durableMetaKey, mb))
		err = q.client.Batch(context.Background(), ops...)
	}
	if err != nil {
		// Kept in memory: they are sent once more after a restart.
		q.logger.Warn("Could not remove delivered events from the sending queue's storage", zap.Error(err))
	}
	q.meta = meta
	signal(q.room)
}

// shutdown keeps sending for up to drainWait (or until ctx ends), then
// stops; what is left is sent after the next start.
func (q *durableQueue) shutdown(ctx context.Context) error {
	wait := time.NewTimer(drainWait)
	defer wait.Stop()
	for {
		q.mu.Lock()
		empty := q.meta.Head == q.meta.Tail
		q.mu.Unlock()
		if empty {
			break
		}
		select {
		case <-q.room:
			continue
		case <-time.After(durablePoll):
			continue
		case <-wait.C:
		case <-ctx.Done():
		}
		break
	}
	q.cancel()
	<-q.done
	q.mu.Lock()
	left := q.meta.Tail - q.meta.Head
	q.mu.Unlock()
	if left > 0 {
		q.logger.Info("Left events in the sending queue for the next start", zap.Uint64("requests", left))
	}
	return q.client.Close(ctx)
}
