package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// errShutdownDeadline is why events fail when Shutdown's deadline passes
// before they could be sent.
var errShutdownDeadline = errors.New("shutdown deadline passed before delivery")

// failure is how the retrying sender tells the delivery rule, and then
// deliver, which Kind of Error its final error is.
type failure struct {
	kind string
	err  error
	why  string // for KindGaveUp: what the retries came to
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// deliver sends one batch by the delivery rule, retrying each request, and
// settles every event of it as sent, refused or failed.
func (q *Queue) deliver(batch []json.RawMessage) {
	refused := 0
	settled, err := delivery.Deliver(q.sendCtx, delivery.SendFunc(q.send), batch,
		delivery.Limits{MaxEvents: q.cfg.maxBatchEvents, MaxBytes: q.cfg.maxBatchBytes},
		func(i int, err error) {
			refused++
			q.fail(batch[i:i+1], KindRejected, err)
		})
	q.counters.sent.Add(int64(settled - refused))
	if err != nil {
		kind, why := KindRejected, ""
		var f *failure
		if errors.As(err, &f) {
			kind, err, why = f.kind, f.err, f.why
		}
		q.failWhy(batch[settled:], kind, err, why)
	}
	q.release(batch)
}

// send makes one request for raws, retrying retryable failures with
// exponential backoff and jitter, and at least as late as Retry-After asks.
// A final error is a *failure naming its Kind.
func (q *Queue) send(_ context.Context, raws []json.RawMessage) error {
	var bo *backoff.ExponentialBackOff
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if q.sendCtx.Err() != nil {
			return &failure{kind: KindShutdown, err: errShutdownDeadline}
		}
		ctx, cancel := context.WithTimeout(q.sendCtx, q.cfg.requestTimeout)
		began := time.Now()
		err := q.sender.SendBatch(ctx, raws)
		took := time.Since(began)
		cancel()
		if err == nil {
			q.inst.request(len(raws), took, outcomeSuccess)
			q.counters.batches.Add(1)
			if q.retrying.Load() { // a shared line written only after an outage
				q.retrying.Store(false)
			}
			return nil
		}
		if q.sendCtx.Err() != nil {
			q.inst.request(len(raws), took, outcomeFailure)
			return &failure{kind: KindShutdown, err: fmt.Errorf("%w: %w", errShutdownDeadline, err)}
		}
		if !delivery.IsRetryable(err) {
			q.inst.request(len(raws), took, outcomeFailure)
			return err // the delivery rule splits what is splittable; the rest is rejected
		}
		q.inst.request(len(raws), took, outcomeRetryable)
		if bo == nil {
			// No randomization here: jitter below keeps every wait within
			// the max interval, so a lane resumes soon after the service
			// recovers.
			bo = &backoff.ExponentialBackOff{
				InitialInterval: q.cfg.retryInitial,
				Multiplier:      2,
				MaxInterval:     q.cfg.retryMax,
			}
			bo.Reset()
		}
		wait := jitter(bo.NextBackOff())
		// The service's Retry-After is a floor: jitter only ever adds to it.
		var apiErr *mindlytics.APIError
		asked := time.Duration(0)
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			asked = apiErr.RetryAfter
			wait = max(wait, asked)
		}
		// Compared as "wait > left", never "elapsed+wait > budget": a huge
		// Retry-After must not overflow into a negative sum.
		elapsed := time.Since(start)
		left := max(q.cfg.retryElapsed-elapsed, 0)
		if wait > left {
			why := fmt.Sprintf("still failing after %d attempts over %v (retry budget %v)",
				attempt, elapsed.Round(time.Millisecond), q.cfg.retryElapsed)
			if asked > left {
				why = fmt.Sprintf("gave up after %d attempts over %v: the service asked to wait %v, more than the retry budget left (%v of %v)",
					attempt, elapsed.Round(time.Millisecond), asked, left.Round(time.Millisecond), q.cfg.retryElapsed)
			}
			return &failure{kind: KindGaveUp, err: err, why: why}
		}
		if elapsed+wait >= q.cfg.retryingReport && q.retrying.CompareAndSwap(false, true) {
			q.reportRetrying(raws, err, attempt, elapsed)
		}
		q.cfg.logger.LogAttrs(q.sendCtx, slog.LevelDebug, "mindlytics queue: retrying request",
			slog.Int("events", len(raws)), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if !q.sleep(wait) {
			return &failure{kind: KindShutdown, err: fmt.Errorf("%w: %w", errShutdownDeadline, err)}
		}
		q.counters.retries.Add(1)
	}
}

// reportRetrying tells, while the retries go on, that the service has not
// accepted a request for a while. Its message leaves out the attempts and
// the time, so that the reports of one cause stay one entry.
func (q *Queue) reportRetrying(raws []json.RawMessage, err error, attempt int, elapsed time.Duration) {
	sessionID, eventKind := describe(raws[0])
	q.cfg.logger.LogAttrs(q.sendCtx, slog.LevelWarn, "mindlytics queue: the service is not accepting events, retrying",
		slog.Int("attempts", attempt), slog.Duration("elapsed", elapsed.Round(time.Millisecond)), slog.String("error", err.Error()))
	e := Error{
		Time: time.Now(), StatusCode: delivery.StatusCode(err), Kind: KindRetrying,
		SessionID: sessionID, EventKind: eventKind, Events: len(raws), Err: err,
		Message: fmt.Sprintf("the service is not accepting events, still retrying (up to %v): %v", q.cfg.retryElapsed, err),
	}
	if q.cfg.errorHandler != nil {
		q.cfg.errorHandler(e)
	}
}

// jitter draws a wait in [d/2, d]: spread so lanes that failed together do
// not retry together, and never beyond d, the capped backoff.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// sleep waits d; false when Shutdown's deadline passed meanwhile.
func (q *Queue) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-q.sendCtx.Done():
		return false
	}
}

// fail counts items as failed (or, past Shutdown's deadline, dropped) and
// reports them in one Error; deliver frees their room.
func (q *Queue) fail(items []json.RawMessage, kind string, err error) {
	q.failWhy(items, kind, err, "")
}

// failWhy is fail with, for KindGaveUp, what the retries came to.
func (q *Queue) failWhy(items []json.RawMessage, kind string, err error, why string) {
	if len(items) == 0 {
		return
	}
	if kind == KindShutdown {
		q.counters.dropped[dropShutdownDeadline].Add(int64(len(items)))
	} else {
		q.counters.failed.Add(int64(len(items)))
	}
	sessionID, eventKind := describe(items[0])
	e := Error{
		Time:       time.Now(),
		StatusCode: delivery.StatusCode(err),
		Kind:       kind,
		SessionID:  sessionID,
		EventKind:  eventKind,
		Events:     len(items),
		Err:        err,
	}
	var apiErr *mindlytics.APIError
	switch {
	case kind == KindGaveUp:
		if why == "" {
			why = fmt.Sprintf("still failing after retrying for %v", q.cfg.retryElapsed)
		}
		e.Message = fmt.Sprintf("%s: %v", why, err)
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

// describe reads what an Error names of an encoded event: its session and
// kind. The queue keeps only the JSON of its events, and failures are rare
// enough to decode it again.
func describe(raw json.RawMessage) (sessionID, eventKind string) {
	var ev struct {
		Type      mindlytics.Type `json:"type"`
		Event     string          `json:"event"`
		SessionID string          `json:"session_id"`
	}
	_ = json.Unmarshal(raw, &ev) // the queue encoded it: it decodes
	return ev.SessionID, mindlytics.Event{Type: ev.Type, Event: ev.Event}.Kind()
}

// release frees the queue room items took.
func (q *Queue) release(items []json.RawMessage) {
	var size int64
	for _, it := range items {
		size += held(len(it))
	}
	q.counters.pendingEvents.Add(-int64(len(items)))
	q.counters.pendingBytes.Add(-size)
}
