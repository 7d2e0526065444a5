package exporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Exporter turns spans into Mindlytics events and sends them in the
// background. Build it with [New]; it is safe for concurrent use.
type Exporter struct {
	cfg        config
	client     *mindlytics.Client
	queue      *queue.Queue
	translator *translate.Translator
	errs       *errorList
	notify     *notifier

	stopExpiry chan struct{}
	expiryDone chan struct{}

	shutdownOnce sync.Once
	shutdownErr  error
	mu           sync.RWMutex // held for reading while exporting, for writing at shutdown
	stopped      bool
}

var _ sdktrace.SpanExporter = (*Exporter)(nil)

// New builds an exporter and starts its queue. It fails when the wire
// client cannot be configured (no API key or project, in options or the
// environment), or when a setting is invalid; every invalid setting is
// named.
func New(ctx context.Context, opts ...Option) (*Exporter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	clientOpts := append([]mindlytics.ClientOption{
		mindlytics.WithLogger(cfg.logger),
		mindlytics.WithTimeout(0), // the queue bounds each request (WithTimeout)
	}, cfg.client...)
	client, err := mindlytics.NewClient(clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	tr, err := translate.New(cfg.translation)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	handler := cfg.errorHandler
	if handler == nil {
		handler = newGlobalHandler().handle
	}
	e := &Exporter{
		cfg:        cfg,
		client:     client,
		translator: tr,
		errs:       newErrorList(maxErrors),
		notify:     newNotifier(handler),
		stopExpiry: make(chan struct{}),
		expiryDone: make(chan struct{}),
	}
	// The exporter's own hooks come last: no option can replace them.
	queueOpts := append([]queue.Option{
		queue.WithMaxRequestEvents(cfg.requests.MaxRequestEvents),
		queue.WithMaxRequestBytes(cfg.requests.MaxRequestBytes),
		queue.WithConcurrency(cfg.requests.RequestsInFlight),
	}, cfg.queue...)
	queueOpts = append(queueOpts,
		queue.WithLogger(cfg.logger),
		queue.WithErrorHandler(func(qe queue.Error) { e.record(fromQueue(qe)) }))
	q, err := queue.New(client, queueOpts...)
	if err != nil {
		e.notify.stop(context.Background())
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	e.queue = q
	go e.expireIdle(cfg.translation.CheckInterval())
	return e, nil
}

func (c config) validate() error {
	errs := append(c.requests.Validate(), c.translation.Validate()...)
	if c.shutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("WithShutdownTimeout: must be positive, got %v", c.shutdownTimeout))
	}
	return errors.Join(errs...)
}

// ExportSpans translates spans and queues their events. It returns at once:
// it never waits for the network or for the error handler, and spans it
// cannot translate are reported through [Exporter.Errors] and the error
// handler, not returned. After Shutdown the spans are dropped and
// reported.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.stopped {
		if len(spans) > 0 {
			now := time.Now()
			e.record(Error{Kind: ErrorDropped, Reason: "exporter shut down", Count: len(spans), First: now, Last: now})
		}
		return nil
	}
	sc := getScratch()
	defer sc.release()
	sc.spans = spanview.AppendReadOnlySpans(sc.spans, spans)
	events, errs := e.translator.AppendTranslation(sc.events, sc.spans)
	sc.events = events
	now := time.Now()
	for _, err := range errs {
		e.record(fromSpan(err, now))
	}
	for _, ev := range events {
		e.queue.Enqueue(ev)
	}
	return nil
}

// scratch is the span views and events of one ExportSpans call, reused:
// the queue keeps the events' JSON, not the events, so both are garbage
// once the call returns.
type scratch struct {
	spans  []spanview.Span
	events []compact.Event
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxScratch is the most spans or events a pooled scratch keeps room for:
// a rare huge batch is not held on to.
const maxScratch = 4096

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// release clears the scratch, so it holds no span or event data, and
// returns it to the pool.
func (sc *scratch) release() {
	if cap(sc.spans) > maxScratch || cap(sc.events) > maxScratch {
		return
	}
	clear(sc.spans)
	clear(sc.events)
	sc.spans, sc.events = sc.spans[:0], sc.events[:0]
	scratchPool.Put(sc)
}

func (e *Exporter) enqueue(events []mindlytics.Event) {
	for _, ev := range events {
		e.queue.Enqueue(compact.Of(ev))
	}
}

// record keeps an error and hands it to the handler's goroutine.
func (e *Exporter) record(err Error) {
	e.errs.add(err)
	e.notify.send(err)
}

// ForceFlush waits until every event queued so far is delivered or has
// failed for good, and the error handler has been given every error so
// far, or ctx ends; without a deadline in ctx it waits at most the
// shutdown timeout ([WithShutdownTimeout]). It returns nil only when
// everything queued so far was delivered: an error wrapping [ErrLost]
// when events failed or were dropped since the previous ForceFlush, ctx's
// error (saying how many are pending) when they are not settled by then.
// Either way [Exporter.Stats] and [Exporter.Errors] already show the
// losses when it returns. Spans still waiting for an ancestor
// ([WithAncestorWait]) are not events yet: the batch that brings the
// ancestor, the wait's end or Shutdown translates them.
func (e *Exporter) ForceFlush(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.cfg.shutdownTimeout)
		defer cancel()
	}
	err := e.queue.Flush(ctx)
	if nerr := e.notify.flush(ctx); nerr != nil && err == nil {
		err = nerr
	}
	if err != nil {
		return fmt.Errorf("mindlytics exporter: flush: %w", err)
	}
	return nil
}

// ErrLost is wrapped by the error of [Exporter.ForceFlush] when events
// failed or were dropped since the previous ForceFlush; [Exporter.Errors]
// says which and why.
var ErrLost = queue.ErrLost

// Shutdown ends the conversations and sessions still open (see
// [WithEndOnShutdown]) and delivers everything queued, by ctx's deadline
// or, when ctx has none, within the shutdown timeout
// ([WithShutdownTimeout]). It returns a little before the deadline
// ([shutdownMargin]), so that a caller waiting on the same deadline, such
// as the SDK's TracerProvider.Shutdown, gets its report rather than a
// bare deadline error. What it cannot deliver by then is dropped, counted
// in [Exporter.Stats] and [Exporter.Errors] before it returns, and its
// error says how many. The error handler is not waited for past the
// deadline: errors it has not been given by then are skipped (they stay
// in [Exporter.Errors]). It is idempotent: later calls return the first
// call's result.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.shutdownOnce.Do(func() { e.shutdownErr = e.shutdown(ctx) })
	return e.shutdownErr
}

// shutdownMargin is how much of the time left Shutdown keeps for itself:
// a tenth, between 10 ms and 500 ms, which covers abandoning the requests
// in flight and counting what they held.
func shutdownMargin(left time.Duration) time.Duration {
	return min(max(left/10, 10*time.Millisecond), 500*time.Millisecond)
}

func (e *Exporter) shutdown(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.cfg.shutdownTimeout)
		defer cancel()
	}
	deadline, _ := ctx.Deadline()
	early, cancel := context.WithDeadline(ctx, deadline.Add(-shutdownMargin(time.Until(deadline))))
	defer cancel()
	close(e.stopExpiry)
	<-e.expiryDone
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	if e.cfg.translation.Lifecycle.EndOnShutdown {
		e.enqueue(e.translator.EndAll())
	} else {
		e.enqueue(e.translator.Release())
	}
	e.recordLateErrors()
	before := e.queue.Stats().Dropped
	err := e.queue.Shutdown(early)
	e.client.CloseIdleConnections()
	if missed := e.notify.stop(early); missed > 0 {
		e.cfg.logger.Warn("mindlytics exporter: the error handler did not get every error by the shutdown deadline; Errors() has them",
			"skipped", missed)
	}
	if err != nil {
		lost := e.queue.Stats().Dropped - before
		return fmt.Errorf("mindlytics exporter: shutdown: %d events not delivered before the deadline, dropped: %w", lost, early.Err())
	}
	return nil
}

// Errors returns the errors recorded so far, one entry per kind and reason
// with its count, oldest first. The newest 100 entries are kept.
func (e *Exporter) Errors() []Error { return e.errs.list() }

// Stats counts the events the exporter has queued, sent, failed and
// dropped.
type Stats struct {
	Enqueued int64 // events the translation made
	Sent     int64 // events the service accepted
	Failed   int64 // events rejected or still failing after the retries
	Dropped  int64 // events never sent: queue full, too large, shut down, or cut off by Shutdown's deadline
	Pending  int64 // events queued and not yet sent or failed
	Requests int64 // requests the service accepted
	Retries  int64 // requests sent again after a failure
	// Waiting counts spans not translated yet: they wait for an ancestor
	// span that may carry their session id ([WithAncestorWait]).
	Waiting int64
	// Redacted counts the values [WithRedaction] removed, by detector
	// (redaction.Email, …, a pattern's name, redaction.Func); nil when
	// redaction is off.
	Redacted map[string]int64
}

// Stats returns the exporter's counters. Once ForceFlush has returned and
// no ExportSpans runs, Sent + Failed + Dropped = Enqueued.
func (e *Exporter) Stats() Stats {
	s := e.queue.Stats()
	return Stats{Enqueued: s.Enqueued, Sent: s.Sent, Failed: s.Failed, Dropped: s.Dropped, Pending: s.Pending,
		Requests: s.Batches, Retries: s.Retries, Waiting: int64(e.translator.Stats().WaitingSpans),
		Redacted: e.translator.Redactions()}
}

// expireIdle ends idle conversations and sessions every interval until
// Shutdown.
func (e *Exporter) expireIdle(interval time.Duration) {
	defer close(e.expiryDone)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-e.stopExpiry:
			return
		case <-ticker.C:
			e.enqueue(e.translator.Expire())
			e.recordLateErrors()
		}
	}
}

// recordLateErrors records the errors of spans translated after they
// waited for an ancestor (Expire, Release, EndAll).
func (e *Exporter) recordLateErrors() {
	now := time.Now()
	for _, err := range e.translator.TakeLateErrors() {
		e.record(fromSpan(err, now))
	}
}
