package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// push sends a request's unsettled events to the batch endpoint by the
// delivery rule both front doors share (package delivery): in order, in
// chunks of at most max_request_events events and max_request_bytes bytes,
// one request at a time per partition of sessions (requests_in_flight
// partitions side by side, see deliverAll), a chunk refused with 400 or 413 halved until the
// refused events stand alone (they are logged with the service's message,
// counted and dropped). Other errors stop the push; the events not yet
// settled stay in the request for exporterhelper's retry (see OnError).
func (c *core) push(ctx context.Context, req xexporterhelper.Request) error {
	r, ok := req.(*eventsRequest)
	if !ok {
		return consumererror.NewPermanent(fmt.Errorf("mindlytics exporter: unexpected request type %T", req))
	}
	sender := c.sender()
	if sender == nil {
		return errors.New("mindlytics exporter: not started")
	}
	if c.turns != nil && r.seq != 0 {
		err := c.pushInTurn(ctx, sender, r)
		if err == nil {
			r.delivered()
		}
		return err
	}
	return c.pushWith(ctx, sender, r)
}

// pushWith delivers r with sender; r's encoding memory is reused once all
// of it went out.
func (c *core) pushWith(ctx context.Context, sender delivery.Sender, r *eventsRequest) error {
	if err := c.deliverAll(ctx, sender, r); err != nil {
		return err
	}
	r.delivered()
	return nil
}

// deliverAll sends the unsettled events of r and records how far it got.
// With requests_in_flight above 1 and more events than one request holds,
// the events are partitioned by session (delivery.EncodedSessionKey) and the partitions
// are delivered side by side, each in order by the delivery rule: a
// session's events all go through one partition, so they still reach the
// service in the order they were made. push returns only when every
// partition is done, so the next request of the queue never overtakes
// this one.
func (c *core) deliverAll(ctx context.Context, sender delivery.Sender, r *eventsRequest) error {
	rest := r.events[r.settled:]
	lim := delivery.Limits{MaxEvents: c.cfg.MaxRequestEvents, MaxBytes: c.cfg.MaxRequestBytes}
	n := partitions(rest, lim, c.cfg.RequestsInFlight)
	if n <= 1 {
		settled, err := delivery.Deliver(ctx, sender, rest, lim,
			func(i int, err error) { c.refused(ctx, rest[i], err) })
		r.settled += settled
		if err != nil {
			return c.collectorError(err)
		}
		return nil
	}

	// parts[p] holds partition p's events, in order.
	scratch := partScratches.Get().(*partScratch)
	defer scratch.put()
	keys := r.unsettledKeys()
	parts := scratch.split(rest, keys, n)
	settled := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p, evs := range parts {
		if len(evs) == 0 {
			continue
		}
		wg.Add(1)
		goPartition(func() { // a goroutine whose stack grew already (partworkers.go)
			defer wg.Done()
			settled[p], errs[p] = delivery.Deliver(ctx, sender, evs, lim,
				func(k int, err error) { c.refused(ctx, evs[k], err) })
		})
	}
	wg.Wait()

	var first error
	for _, err := range errs {
		if err != nil {
			first = err
			break
		}
	}
	if first == nil {
		r.settled = len(r.events)
		return nil
	}
	// Keep what is settled as the request's prefix, as the retry (OnError)
	// expects: the settled events of every partition first, then the
	// unsettled ones in their original order, which keeps each session's
	// order (what a partition settled is a prefix of its events).
	done := make([]bool, len(rest))
	seen := make([]int, n)
	for i := range rest {
		p := eventKey(rest, keys, i) % uint32(n)
		done[i] = seen[p] < settled[p]
		seen[p]++
	}
	events := make([]json.RawMessage, 0, len(r.events))
	events = append(events, r.events[:r.settled]...)
	for i, ev := range rest {
		if done[i] {
			events = append(events, ev)
		}
	}
	nSettled := len(events)
	for i, ev := range rest {
		if !done[i] {
			events = append(events, ev)
		}
	}
	r.events, r.keys, r.settled = events, nil, nSettled // reordered: the keys are found again
	return c.collectorError(first)
}

// partitions is how many partitions to deliver events in: at most
// inFlight, at least the requests the events need (up to inFlight), and
// otherwise one per minPartitionEvents events, so that a small batch goes
// out as one request and a larger one in several side by side even when
// it would fit in fewer (against a distant service the latency, not the
// size, bounds a request).
func partitions(events []json.RawMessage, lim delivery.Limits, inFlight int) int {
	if inFlight <= 1 || len(events) <= 1 {
		return 1
	}
	need := (len(events) + lim.MaxEvents - 1) / lim.MaxEvents
	if lim.MaxBytes > 0 {
		need = max(need, (delivery.RequestSize(events)+lim.MaxBytes-1)/lim.MaxBytes)
	}
	need = max(need, len(events)/minPartitionEvents)
	return max(1, min(inFlight, need))
}

// minPartitionEvents is the fewest events worth a partition of their own.
const minPartitionEvents = 100

// partScratch is the memory deliverAll and pushInTurn split a request
// into partitions with, reused from one request to the next; pushInTurn
// hands the partitions in as shares, and waits on sent for them.
type partScratch struct {
	parts  [][]json.RawMessage
	shares []share
	sent   sync.WaitGroup
}

// sharesFor returns the scratch's shares for n slots, zero.
func (s *partScratch) sharesFor(n int) []share {
	if cap(s.shares) < n {
		s.shares = make([]share, n)
	}
	s.shares = s.shares[:n]
	clear(s.shares)
	return s.shares
}

var partScratches = sync.Pool{New: func() any { return new(partScratch) }}

// split puts each event of events into partition
// delivery.EncodedSessionKey % n, in order; keys, when not nil, are the
// events' keys (eventsRequest.keys).
func (s *partScratch) split(events []json.RawMessage, keys []uint32, n int) [][]json.RawMessage {
	for len(s.parts) < n {
		s.parts = append(s.parts, nil)
	}
	parts := s.parts[:n]
	for p := range parts {
		if want := len(events)/n + len(events)/(4*n) + 8; cap(parts[p]) < want {
			parts[p] = make([]json.RawMessage, 0, want) // room for a share and a quarter: one allocation, not doublings
		}
	}
	for i, ev := range events {
		p := eventKey(events, keys, i) % uint32(n)
		parts[p] = append(parts[p], ev)
	}
	return parts
}

// maxPooledPartition is the most events a pooled partition keeps room for.
const maxPooledPartition = 1 << 14

// put clears the partitions (they point into a request's events) and
// returns the scratch to the pool; the room of a huge request's is not kept.
func (s *partScratch) put() {
	for i, part := range s.parts {
		if cap(part) > maxPooledPartition {
			return
		}
		clear(part)
		s.parts[i] = part[:0]
	}
	clear(s.shares) // they point into a request's events
	partScratches.Put(s)
}

// refused reports one event the service refused for good.
func (c *core) refused(ctx context.Context, ev json.RawMessage, err error) {
	c.telemetry.ExporterMindlyticsEventsRejected.Add(ctx, 1)
	var head struct {
		Type      string `json:"type"`
		Event     string `json:"event"`
		SessionID string `json:"session_id"`
	}
	_ = json.Unmarshal(ev, &head)
	msg := err.Error()
	var apiErr *mindlytics.APIError
	if errors.As(err, &apiErr) {
		msg = apiErr.Message
	}
	c.logger.Warn("Mindlytics refused an event; dropping it",
		zap.Int("status", delivery.StatusCode(err)),
		zap.String("message", msg),
		zap.String("type", head.Type),
		zap.String("event", head.Event),
		zap.String("session_id", head.SessionID))
}

// maxRetryAfter bounds the wait a Retry-After imposes when retries never
// give up (max_elapsed_time 0).
const maxRetryAfter = time.Hour

// collectorError maps an error of the client to what exporterhelper
// expects: a throttled retry when the service asked for a wait
// (Retry-After), a plain error for what is worth retrying (transport
// failures, 408, 429, 502, 503, 504), a permanent error for the rest
// (other 4xx, 501, 505, …; a 500 never gets here: the delivery rule tries
// it a few times, then splits it like a 400).
// A cancelled context stays retryable: during a shutdown a persistent queue
// then keeps the request for the next start.
func (c *core) collectorError(err error) error {
	var apiErr *mindlytics.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Retryable() && apiErr.RetryAfter > 0:
		wait, budget := apiErr.RetryAfter, c.cfg.RetryConfig.MaxElapsedTime
		if c.cfg.RetryConfig.Enabled && budget > 0 && wait > budget {
			// exporterhelper would give up at once, saying only "no more
			// retries left": say what happened.
			return consumererror.NewPermanent(fmt.Errorf("the service asked to wait %v, more than the whole retry budget (retry_on_failure::max_elapsed_time %v): %w", wait, budget, err))
		}
		// Never sleep forever on a huge Retry-After when retries never give up.
		return exporterhelper.NewThrottleRetry(err, min(wait, maxRetryAfter))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case delivery.IsRetryable(err):
		return err
	default:
		return consumererror.NewPermanent(err)
	}
}
