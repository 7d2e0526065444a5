package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

// errShutdownDeadline is why events fail when Shutdown's deadline passes
// before they could be sent.
var errShutdownDeadline = errors.New("shutdown deadline passed before delivery")

// deliver sends one batch, retrying and splitting as needed, and settles
// every event of it as sent or failed.
func (l *lane) deliver(batch []item) {
	raws := l.raws[:0]
	for _, it := range batch {
		raws = append(raws, it.data)
	}
	l.deliverRange(batch, raws)
	clear(raws) // let the encoded events go
	l.raws = raws[:0]
}

// deliverRange sends items (encoded in raws). A range the service refuses
// as a bad request is split in halves, left first so order holds, until
// the refused events are alone and the others have landed.
func (l *lane) deliverRange(items []item, raws []json.RawMessage) {
	kind, err := l.send(raws)
	switch {
	case err == nil:
		l.q.settle(items)
	case kind == KindRejected && mindlytics.IsSplittable(err) && len(items) > 1:
		mid := len(items) / 2
		l.deliverRange(items[:mid], raws[:mid])
		l.deliverRange(items[mid:], raws[mid:])
	default:
		l.q.fail(items, kind, err)
	}
}

// send makes one request for raws, retrying retryable failures with
// exponential backoff and jitter, and at least as late as Retry-After asks.
// On failure it returns the Kind of the Error to report.
func (l *lane) send(raws []json.RawMessage) (string, error) {
	q := l.q
	var bo *backoff.ExponentialBackOff
	start := time.Now()
	for {
		if q.sendCtx.Err() != nil {
			return KindShutdown, errShutdownDeadline
		}
		ctx, cancel := context.WithTimeout(q.sendCtx, q.cfg.requestTimeout)
		began := time.Now()
		err := q.sender.SendBatch(ctx, raws)
		took := time.Since(began)
		cancel()
		if err == nil {
			q.inst.request(len(raws), took, outcomeSuccess)
			q.counters.batches.Add(1)
			return "", nil
		}
		if q.sendCtx.Err() != nil {
			q.inst.request(len(raws), took, outcomeFailure)
			return KindShutdown, fmt.Errorf("%w: %w", errShutdownDeadline, err)
		}
		if !mindlytics.IsRetryable(err) {
			q.inst.request(len(raws), took, outcomeFailure)
			return KindRejected, err
		}
		q.inst.request(len(raws), took, outcomeRetryable)
		if bo == nil {
			bo = &backoff.ExponentialBackOff{
				InitialInterval:     q.cfg.retryInitial,
				RandomizationFactor: 0.5,
				Multiplier:          2,
				MaxInterval:         q.cfg.retryMax,
			}
			bo.Reset()
		}
		wait := bo.NextBackOff()
		// The service's Retry-After is a floor: jitter only ever adds to it.
		var apiErr *mindlytics.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > wait {
			wait = apiErr.RetryAfter
		}
		if time.Since(start)+wait > q.cfg.retryElapsed {
			return KindGaveUp, err
		}
		q.cfg.logger.LogAttrs(q.sendCtx, slog.LevelDebug, "mindlytics queue: retrying request",
			slog.Int("events", len(raws)), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if !l.sleep(wait) {
			return KindShutdown, fmt.Errorf("%w: %w", errShutdownDeadline, err)
		}
		q.counters.retries.Add(1)
	}
}

// sleep waits d; false when Shutdown's deadline passed meanwhile.
func (l *lane) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.q.sendCtx.Done():
		return false
	}
}

// settle counts items as sent.
func (q *Queue) settle(items []item) {
	q.counters.sent.Add(int64(len(items)))
	q.release(items)
}

// fail counts items as failed and reports them in one Error.
func (q *Queue) fail(items []item, kind string, err error) {
	q.counters.failed.Add(int64(len(items)))
	q.release(items)
	e := Error{
		Time:       time.Now(),
		StatusCode: mindlytics.StatusCode(err),
		Kind:       kind,
		SessionID:  items[0].sessionID,
		EventKind:  items[0].eventKind(),
		Events:     len(items),
		Err:        err,
	}
	var apiErr *mindlytics.APIError
	switch {
	case kind == KindGaveUp:
		e.Message = fmt.Sprintf("still failing after retrying for %v: %v", q.cfg.retryElapsed, err)
	case kind == KindShutdown:
		e.Message = err.Error()
	case errors.As(err, &apiErr):
		e.Message = apiErr.Message
		if e.Message == "" {
			e.Message = http.StatusText(apiErr.StatusCode)
		}
	default:
		e.Message = err.Error()
	}
	q.record(e)
}

// release frees the queue room items took.
func (q *Queue) release(items []item) {
	var size int64
	for _, it := range items {
		size += int64(len(it.data))
	}
	q.counters.pendingEvents.Add(-int64(len(items)))
	q.counters.pendingBytes.Add(-size)
}
