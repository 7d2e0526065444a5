package exporter

import (
	"context"
	"fmt"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/exporter/queue"
	"github.com/mindlytics/mindlytics-otel/exporter/translate"
)

// Exporter turns spans into Mindlytics events and sends them in the
// background. Build it with [New]; it is safe for concurrent use.
type Exporter struct {
	cfg        config
	client     *mindlytics.Client
	queue      *queue.Queue
	translator *translate.Translator

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
// environment), or when a setting is invalid.
func New(ctx context.Context, opts ...Option) (*Exporter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	client, err := mindlytics.NewClient(append([]mindlytics.ClientOption{mindlytics.WithLogger(cfg.logger)}, cfg.client...)...)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	tr, err := translate.New(cfg.translation...)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	e := &Exporter{
		cfg:        cfg,
		client:     client,
		translator: tr,
		stopExpiry: make(chan struct{}),
		expiryDone: make(chan struct{}),
	}
	queueOpts := append([]queue.Option{
		queue.WithLogger(cfg.logger),
		queue.WithErrorHandler(func(qe queue.Error) { e.notify(qe) }),
	}, cfg.queue...)
	q, err := queue.New(client, queueOpts...)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	e.queue = q
	go e.expireIdle(e.expiryInterval())
	return e, nil
}

// ExportSpans translates spans and queues their events. It returns at once:
// it never waits for the network, and spans it cannot translate are
// reported through [Exporter.Errors] and the error handler, not returned.
// After Shutdown it does nothing.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.stopped {
		return nil
	}
	events, errs := e.translator.Translate(translate.FromReadOnlySpans(spans))
	for _, err := range errs {
		e.queue.Report(queue.Error{Time: time.Now(), Kind: queue.KindInvalid, Message: err.Error(), Events: 1, Err: err})
	}
	e.enqueue(events)
	return nil
}

func (e *Exporter) enqueue(events []mindlytics.Event) {
	for _, ev := range events {
		e.queue.Enqueue(ev)
	}
}

// notify passes an error the queue recorded to the user's handler.
func (e *Exporter) notify(err error) {
	if e.cfg.errorHandler != nil {
		e.cfg.errorHandler(err)
	}
}

// ForceFlush waits until every event queued so far is delivered or has
// failed for good, or ctx ends.
func (e *Exporter) ForceFlush(ctx context.Context) error {
	return e.queue.Flush(ctx)
}

// Shutdown ends open conversations and sessions (see [WithEndOnShutdown]),
// delivers everything queued within ctx's deadline and stops the
// exporter's goroutines. It is idempotent: later calls return the first
// call's result.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.shutdownOnce.Do(func() {
		close(e.stopExpiry)
		<-e.expiryDone
		e.mu.Lock()
		e.stopped = true
		e.mu.Unlock()
		if e.cfg.endOnShutdown {
			e.enqueue(e.translator.EndAll(time.Now()))
		}
		e.shutdownErr = e.queue.Shutdown(ctx)
		e.client.CloseIdleConnections()
	})
	return e.shutdownErr
}

// Errors returns the errors recorded so far, oldest first: spans that could
// not be translated and events that could not be delivered. The list is
// bounded (see [queue.WithMaxErrors]); each element is a [queue.Error].
func (e *Exporter) Errors() []queue.Error { return e.queue.Errors() }

// HasErrors reports whether any error has been recorded.
func (e *Exporter) HasErrors() bool { return e.queue.HasErrors() }

// Stats returns the queue's counters: events enqueued, sent, failed,
// dropped and pending.
func (e *Exporter) Stats() queue.Stats { return e.queue.Stats() }

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
		case now := <-ticker.C:
			e.enqueue(e.translator.Expire(now))
		}
	}
}

func (e *Exporter) expiryInterval() time.Duration {
	if e.cfg.expiryInterval > 0 {
		return e.cfg.expiryInterval
	}
	conversation, session := e.translator.IdleTimeouts()
	shortest := min(conversation, session)
	return min(max(shortest/4, time.Second), time.Minute)
}
