package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// pipelined says whether cfg's sending queue is pushed by several
// consumers in turns (turns.go): an in-memory queue of requests (the
// default sizer) without batching (a batch merges requests, and a
// persistent queue keeps its own order).
// Then exporterhelper runs pipelineConsumers(cfg) consumers and no retries:
// each push retries its own slots (deliverRetrying), so that a push that
// returns is settled for good and its slots pass to the next request.
func pipelined(cfg *Config) bool {
	q := cfg.QueueConfig.Get()
	return usesIntake(cfg) && !q.Batch.HasValue() && q.Sizer == exporterhelper.RequestSizerTypeRequests
}

// pipelineConsumers is how many requests of the queue are pushed at once:
// twice requests_in_flight, so that each slot has the next request's
// events waiting when it finishes one.
func pipelineConsumers(cfg *Config) int { return 2 * cfg.RequestsInFlight }

// helperSettings are the sending queue and retries exporterhelper runs.
func helperSettings(cfg *Config) (configoptional.Optional[exporterhelper.QueueBatchConfig], configretry.BackOffConfig) {
	if usesDurableQueue(cfg) {
		// The durable queue's groups are pushed in turn too, and retried
		// in their slots.
		return helperQueueConfig(cfg), configretry.BackOffConfig{Enabled: false}
	}
	if !pipelined(cfg) {
		return helperQueueConfig(cfg), cfg.RetryConfig
	}
	q := *cfg.QueueConfig.Get()
	q.NumConsumers = pipelineConsumers(cfg)
	return configoptional.Some(q), configretry.BackOffConfig{Enabled: false}
}

// pushInTurn delivers a request of the pipelined queue: its events split
// by session over the slots (or, when they fit one request, together, in
// every slot's turn), each slot in its turn; the slots whose turn it is
// go out together, in as few requests as fit (turns.dispatch). It returns
// once every event is delivered, refused, or dropped after the retries.
func (c *core) pushInTurn(ctx context.Context, sender delivery.Sender, r *eventsRequest) error {
	events := r.events[r.settled:]
	lim := delivery.Limits{MaxEvents: c.cfg.MaxRequestEvents, MaxBytes: c.cfg.MaxRequestBytes}
	slots := c.turns.slots()
	if partitions(events, lim, slots) <= 1 {
		if err := c.turns.wait(ctx, r.seq, nil); err != nil {
			c.turns.done(r.seq, nil)
			return c.unsent(ctx, len(events), err)
		}
		defer c.turns.done(r.seq, nil)
		return c.deliverRetrying(ctx, sender, events, lim)
	}
	scratch := partScratches.Get().(*partScratch)
	defer scratch.put()
	parts := scratch.split(events, r.unsettledKeys(), slots)
	shares := scratch.sharesFor(slots)
	for p, evs := range parts {
		if len(evs) > 0 {
			shares[p] = share{seq: r.seq, events: evs, sent: &scratch.sent}
			scratch.sent.Add(1)
		}
	}
	c.turns.handIn(r.seq, shares) // together: dispatch groups them into as few requests as fit
	scratch.sent.Wait()
	r.settled = len(r.events) // settled for good: delivered, refused or dropped
	var errs []error
	for p := range shares {
		if shares[p].err != nil {
			errs = append(errs, shares[p].err)
		}
	}
	return errors.Join(errs...)
}

// deliverRetrying delivers events by the delivery rule, retrying what is
// worth it as retry_on_failure says (exporterhelper's backoff, Retry-After
// as a floor), until they are settled, the retries give up, or Shutdown
// begins. What is left then is dropped, counted and returned as a
// permanent error.
func (c *core) deliverRetrying(ctx context.Context, sender delivery.Sender, events []json.RawMessage, lim delivery.Limits) error {
	_, err := c.deliverSettling(ctx, sender, events, lim)
	return err
}

// deliverSettling is deliverRetrying that also says how many of the
// events, from the first, were settled (delivered, or refused by the
// service) before an error: a request of several shares gives the error
// only to the shares past them.
func (c *core) deliverSettling(ctx context.Context, sender delivery.Sender, events []json.RawMessage, lim delivery.Limits) (int, error) {
	rc := c.cfg.RetryConfig
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     rc.InitialInterval,
		RandomizationFactor: rc.RandomizationFactor,
		Multiplier:          rc.Multiplier,
		MaxInterval:         rc.MaxInterval,
	}
	bo.Reset()
	start := time.Now()
	stop := c.stop
	if c.durable != nil {
		stop = nil // the durable queue's sending ends with ctx: what is left stays in storage
	}
	done := 0 // settled so far
	for {
		settled, err := delivery.Deliver(ctx, sender, events, lim,
			func(i int, err error) { c.refused(ctx, events[i], err) })
		events = events[settled:]
		done += settled
		if err == nil {
			if c.retrying.Load() && c.retrying.CompareAndSwap(true, false) {
				c.logger.Info("The service accepts events again")
			}
			return done, nil
		}
		cerr := c.collectorError(err)
		if ctx.Err() != nil {
			return done, c.unsent(ctx, len(events), cerr)
		}
		if !rc.Enabled || consumererror.IsPermanent(cerr) {
			return done, c.dropUnsent(ctx, len(events), cerr)
		}
		wait := bo.NextBackOff()
		var apiErr *mindlytics.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			wait = max(wait, min(apiErr.RetryAfter, maxRetryAfter))
		}
		if rc.MaxElapsedTime > 0 && time.Since(start)+wait > rc.MaxElapsedTime {
			return done, c.dropUnsent(ctx, len(events), fmt.Errorf("no more retries left (retry_on_failure::max_elapsed_time %v): %w", rc.MaxElapsedTime, err))
		}
		if c.retrying.CompareAndSwap(false, true) {
			// Once per outage, as exporterhelper's retries say each: the
			// events wait in the queue meanwhile.
			c.logger.Warn("The service is not accepting events; retrying, the events wait in the queue", zap.Error(err))
		} else {
			c.logger.Debug("Retrying a request to the service", zap.Duration("wait", wait), zap.Error(err))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return done, c.unsent(ctx, len(events), fmt.Errorf("%w (last error: %w)", ctx.Err(), err))
		case <-stop:
			t.Stop()
			return done, c.dropUnsent(ctx, len(events), fmt.Errorf("interrupted by shutdown while retrying: %w", err))
		}
	}
}

// dropUnsent counts and logs n events that will never be sent, and returns
// err as permanent: the request is settled.
func (c *core) dropUnsent(ctx context.Context, n int, err error) error {
	if n > 0 {
		c.telemetry.ExporterMindlyticsEventsDropped.Add(ctx, int64(n))
		c.logger.Error("Dropped events the service did not take", zap.Int("events", n), zap.Error(err))
	}
	return consumererror.NewPermanent(err)
}

// unsent is dropUnsent for events whose sending ctx ended; with the
// durable queue they are not dropped but kept in storage for the next
// start (the queue's Shutdown ended ctx), and err is returned as it is.
func (c *core) unsent(ctx context.Context, n int, err error) error {
	if c.durable != nil && ctx.Err() != nil {
		return err
	}
	return c.dropUnsent(ctx, n, err)
}

// sendShares delivers the events of shares taken together (turns.run),
// and says how many of them, from the first, were settled.
func (c *core) sendShares(events []json.RawMessage) (int, error) {
	return c.deliverSettling(context.Background(), c.sender(), events, c.cfg.Limits())
}
