package queue

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// cost is what an event of n bytes adds to a request body: itself and a
// comma.
func cost(n int) int { return n + 1 }

// lane owns the events of the sessions hashed to it. Its goroutine cuts
// them into batches and delivers one batch at a time, not moving on until
// the batch is delivered or has failed for good, so each session's events
// reach the service in the order they were enqueued.
type lane struct {
	q *Queue

	mu      sync.Mutex
	waiting arena // the events not yet cut into a batch
	n       int   // how many
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
	// lent is set while the lane's waiting events travel in a request
	// shared with other lanes (Queue.flushTogether): the lane cuts no batch
	// until that request is settled, so its sessions keep their order.
	lent bool

	wake   chan struct{}
	exited chan struct{}
	// batch is the batch being delivered: slices into the arena, reused.
	// Only the lane's goroutine touches it.
	batch []json.RawMessage
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

// push appends an encoded event, enqueued at (ns since the queue's
// epoch); false when the lane has closed. data is copied.
func (l *lane) push(data []byte, at int64) bool {
	cfg := &l.q.cfg
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.waiting.push(data, at)
	c := cost(len(data))
	l.cost += c
	l.appended++
	l.n++
	n := l.n
	// Wake the lane when it has to arm its timer or has a full batch; in
	// between it has nothing to do.
	wake := n == 1 || n == cfg.maxBatchEvents ||
		(l.cost+1 >= cfg.maxBatchBytes && l.cost+1-c < cfg.maxBatchBytes)
	l.mu.Unlock()
	if wake {
		l.signal()
	}
	return true
}

// next returns the next batch to deliver (l.batch, its events still in
// the arena), or how long to wait for one (zero: until woken; negative:
// until the events it lent are settled, which wakes it), or exit once the
// queue is shutting down and the lane is empty.
func (l *lane) next() (batch []json.RawMessage, wait time.Duration, exit bool) {
	cfg := &l.q.cfg
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lent {
		return nil, -1, false
	}
	if l.n == 0 {
		if l.q.closed.Load() {
			l.closed = true
			return nil, 0, true
		}
		return nil, 0, false
	}
	at, _, _ := l.waiting.front()
	age := time.Since(l.q.epoch) - time.Duration(at)
	ready := l.q.closed.Load() || l.flushTarget > l.cut || l.n >= cfg.maxBatchEvents ||
		l.cost+1 >= cfg.maxBatchBytes || age >= cfg.flushInterval
	if !ready {
		return nil, cfg.flushInterval - age, false
	}
	l.batch = l.cutInto(l.batch[:0], cfg.maxBatchEvents, cfg.maxBatchBytes)
	return l.batch, 0, false
}

// cutInto appends to batch, whose body is size bytes so far (1 when
// empty), the waiting events that fit within maxEvents and maxBytes, and at
// least one. The caller holds l.mu.
func (l *lane) cutInto(batch []json.RawMessage, maxEvents, maxBytes int) []json.RawMessage {
	start, size := len(batch), 1
	for limit := min(l.n, maxEvents); len(batch)-start < limit; {
		_, data, _ := l.waiting.front()
		c := cost(len(data))
		if len(batch) > start && size+c > maxBytes {
			break
		}
		l.waiting.pop(len(data))
		batch = append(batch, data)
		size += c
	}
	k := len(batch) - start
	l.n -= k
	l.cost -= size - 1
	l.cut += int64(k)
	return batch
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
			l.q.deliver(batch)
			clear(batch)
			l.finish(len(batch)) // also recycles the chunks the batch read
			continue
		}
		var fire <-chan time.Time
		draining := l.q.draining
		switch {
		case wait > 0:
			timer.Reset(wait)
			fire = timer.C
		case wait < 0:
			draining = nil // closed for good once Shutdown begins: only finish's signal matters
		}
		select {
		case <-l.wake:
		case <-fire:
		case <-draining:
		}
		timer.Stop()
	}
}

// finish marks n more events as done and wakes Flush callers. The batch
// they were is done: the arena's chunks it read are reused.
func (l *lane) finish(n int) {
	l.mu.Lock()
	l.waiting.recycle()
	l.done += int64(n)
	if l.progress != nil {
		close(l.progress)
		l.progress = nil
	}
	lent := l.lent
	l.lent = false
	l.mu.Unlock()
	if lent {
		l.signal() // it may hold events that came meanwhile
	}
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
