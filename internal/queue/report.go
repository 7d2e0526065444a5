package queue

import (
	"context"
	"sync"
	"time"
)

// dropReason says why Enqueue refused an event.
type dropReason int

const (
	dropFullEvents dropReason = iota
	dropFullBytes
	dropShutdown
	dropShutdownDeadline
	dropUnencodable
	dropTooLarge
	numDropReasons
)

// metricValue is the reason attribute of the dropped-events metric.
func (r dropReason) metricValue() string {
	switch r {
	case dropFullEvents, dropFullBytes:
		return "queue_full"
	case dropShutdown, dropShutdownDeadline:
		return "shutdown"
	default:
		return "invalid"
	}
}

// dropReportInterval is how often repeated drops are reported: a flood of
// refused events becomes one Error per reason and interval instead of
// thrashing the error list and the handler.
const dropReportInterval = time.Second

// dropReporter turns Enqueue's refusals into Errors. Enqueue runs on the
// caller's goroutine, where the error handler must not run, so refusals are
// noted (the first of each reason in detail, the rest counted) and a
// goroutine of the queue reports them: the first at once, later ones
// aggregated per dropReportInterval.
type dropReporter struct {
	record func(Error) // logs and hands on an error

	mu      sync.Mutex
	pending [numDropReasons]Error // Events counts the refusals not yet reported
	stopped bool
	// noted counts the refusals noted, reported those handed on so far:
	// a flush with nothing in between has nothing to wait for.
	noted, reported int64

	wake     chan struct{}
	flushReq chan chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

func newDropReporter(record func(Error)) *dropReporter {
	return &dropReporter{
		record:   record,
		wake:     make(chan struct{}, 1),
		flushReq: make(chan chan struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
}

// note records one refusal; describe builds its Error and is only called
// for the first refusal of a reporting interval, keeping floods cheap.
func (r *dropReporter) note(reason dropReason, describe func() Error) {
	r.mu.Lock()
	if r.stopped { // Enqueue after Shutdown: no goroutine left to report it
		r.mu.Unlock()
		e := describe()
		e.Events = 1
		r.record(e)
		return
	}
	p := &r.pending[reason]
	if p.Events == 0 {
		*p = describe()
	}
	p.Events++
	r.noted++
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// take returns the pending reports and clears them, and how many
// refusals were noted by then.
func (r *dropReporter) take() ([]Error, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Error
	for i := range r.pending {
		if r.pending[i].Events > 0 {
			out = append(out, r.pending[i])
			r.pending[i] = Error{}
		}
	}
	return out, r.noted
}

// emit reports what is pending and says whether there was anything.
func (r *dropReporter) emit() bool {
	errs, noted := r.take()
	for _, e := range errs {
		r.record(e)
	}
	r.mu.Lock()
	r.reported = noted
	r.mu.Unlock()
	return len(errs) > 0
}

func (r *dropReporter) run() {
	defer close(r.done)
	hold := time.NewTimer(dropReportInterval)
	hold.Stop()
	holding, woken := false, false
	for {
		select {
		case <-r.wake:
			if holding {
				woken = true
				continue
			}
			if r.emit() {
				holding = true
				hold.Reset(dropReportInterval)
			}
		case <-hold.C:
			holding = false
			if woken && r.emit() {
				holding = true
				hold.Reset(dropReportInterval)
			}
			woken = false
		case ack := <-r.flushReq:
			r.emit()
			close(ack)
		case <-r.stop:
			hold.Stop()
			r.mu.Lock()
			r.stopped = true
			r.mu.Unlock()
			r.emit()
			return
		}
	}
}

// flush reports what is pending now, for Queue.Flush; with nothing noted
// since the last report it returns at once (the flush of a serverless
// handler, after every invocation, waits for no goroutine).
func (r *dropReporter) flush(ctx context.Context) error {
	r.mu.Lock()
	idle := r.noted == r.reported
	r.mu.Unlock()
	if idle {
		return nil
	}
	ack := make(chan struct{})
	select {
	case r.flushReq <- ack:
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shutdown stops the goroutine after a last report.
func (r *dropReporter) shutdown() {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
}
