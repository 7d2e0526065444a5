package queue

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

// item is one encoded event waiting in a lane, with what errors need to
// name it.
type item struct {
	data      json.RawMessage
	sessionID string
	typ       mindlytics.Type
	name      string
	at        time.Duration // when it was enqueued, since Queue.epoch
}

func (it item) eventKind() string {
	return mindlytics.Event{Type: it.typ, Event: it.name}.Kind()
}

// cost is what an item adds to a request body: itself and a comma.
func (it item) cost() int { return len(it.data) + 1 }

// maxIdleBuffer is the most item slots an empty lane keeps for reuse.
const maxIdleBuffer = 4096

// lane owns the events of the sessions hashed to it. Its goroutine cuts
// them into batches and delivers one batch at a time, not moving on until
// the batch is delivered or has failed for good, so each session's events
// reach the service in the order they were enqueued.
type lane struct {
	q *Queue

	mu   sync.Mutex
	buf  []item // waiting events are buf[head:]
	head int
	// cost is the summed cost of the waiting events.
	cost int
	// Sequence numbers: events appended, cut into batches, and finished
	// (sent or failed). Flush waits on done.
	appended, cut, done int64
	// flushTarget asks for the events up to it to be sent without waiting
	// for a batch to fill.
	flushTarget int64
	// progress is closed when done advances, if someone waits for it.
	progress chan struct{}
	// closed refuses new events once the lane has drained for Shutdown.
	closed bool

	wake   chan struct{}
	exited chan struct{}
	raws   []json.RawMessage // request body of the current batch, reused
}

func newLane(q *Queue) *lane {
	return &lane{q: q, wake: make(chan struct{}, 1), exited: make(chan struct{})}
}

func (l *lane) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// push appends an event; false when the lane has closed.
func (l *lane) push(it item) bool {
	cfg := &l.q.cfg
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.buf = append(l.buf, it)
	l.cost += it.cost()
	l.appended++
	n := len(l.buf) - l.head
	// Wake the lane when it has to arm its timer or has a full batch; in
	// between it has nothing to do.
	wake := n == 1 || n == cfg.maxBatchEvents ||
		(l.cost+1 >= cfg.maxBatchBytes && l.cost+1-it.cost() < cfg.maxBatchBytes)
	l.mu.Unlock()
	if wake {
		l.signal()
	}
	return true
}

// next returns the next batch to deliver, or how long to wait for one
// (zero: until woken), or exit once the queue is shutting down and the
// lane is empty.
func (l *lane) next() (batch []item, wait time.Duration, exit bool) {
	cfg := &l.q.cfg
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.buf) - l.head
	if n == 0 {
		if l.q.closed.Load() {
			l.closed = true
			return nil, 0, true
		}
		return nil, 0, false
	}
	age := time.Since(l.q.epoch) - l.buf[l.head].at
	ready := l.q.closed.Load() || l.flushTarget > l.cut || n >= cfg.maxBatchEvents ||
		l.cost+1 >= cfg.maxBatchBytes || age >= cfg.flushInterval
	if !ready {
		return nil, cfg.flushInterval - age, false
	}
	k, size := 0, 1
	for k < n && k < cfg.maxBatchEvents {
		c := l.buf[l.head+k].cost()
		if k > 0 && size+c > cfg.maxBatchBytes {
			break
		}
		size += c
		k++
	}
	batch = make([]item, k)
	copy(batch, l.buf[l.head:l.head+k])
	clear(l.buf[l.head : l.head+k])
	l.head += k
	l.cost -= size - 1
	l.cut += int64(k)
	switch {
	case l.head == len(l.buf):
		l.buf, l.head = l.buf[:0], 0
		if cap(l.buf) > maxIdleBuffer {
			l.buf = nil // give back what a burst took
		}
	case l.head >= 1024 && 2*l.head >= len(l.buf):
		// Reuse the front of the array instead of growing it forever.
		m := copy(l.buf, l.buf[l.head:])
		clear(l.buf[m:])
		l.buf, l.head = l.buf[:m], 0
	}
	return batch, 0, false
}

// run is the lane's goroutine.
func (l *lane) run() {
	defer close(l.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch, wait, exit := l.next()
		if exit {
			return
		}
		if batch != nil {
			l.deliver(batch)
			l.finish(len(batch))
			continue
		}
		var fire <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			fire = timer.C
		}
		select {
		case <-l.wake:
		case <-fire:
		case <-l.q.draining:
		}
		timer.Stop()
	}
}

// finish marks n more events as done and wakes Flush callers.
func (l *lane) finish(n int) {
	l.mu.Lock()
	l.done += int64(n)
	if l.progress != nil {
		close(l.progress)
		l.progress = nil
	}
	l.mu.Unlock()
}

// requestFlush asks the lane to send what it holds now, and returns the
// sequence number Flush has to wait for.
func (l *lane) requestFlush() int64 {
	l.mu.Lock()
	target := l.appended
	if target > l.flushTarget {
		l.flushTarget = target
	}
	pending := target > l.done
	l.mu.Unlock()
	if pending {
		l.signal()
	}
	return target
}

// waitDone waits until the events up to target are done.
func (l *lane) waitDone(ctx context.Context, target int64) error {
	for {
		l.mu.Lock()
		if l.done >= target {
			l.mu.Unlock()
			return nil
		}
		if l.progress == nil {
			l.progress = make(chan struct{})
		}
		progress := l.progress
		l.mu.Unlock()
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
