package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// push sends a request's unsettled events to the batch endpoint by the
// delivery rule both front doors share (package delivery): in order, in
// chunks of at most max_request_events events and max_request_bytes bytes,
// one request at a time, a chunk refused with 400 or 413 halved until the
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
	return c.deliverAll(ctx, sender, r)
}

// deliverAll sends the unsettled events of r and records how far it got.
func (c *core) deliverAll(ctx context.Context, sender delivery.Sender, r *eventsRequest) error {
	rest := r.events[r.settled:]
	settled, err := delivery.Deliver(ctx, sender, rest,
		delivery.Limits{MaxEvents: c.cfg.MaxRequestEvents, MaxBytes: c.cfg.MaxRequestBytes},
		func(i int, err error) { c.refused(ctx, rest[i], err) })
	r.settled += settled
	if err != nil {
		return c.collectorError(err)
	}
	return nil
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
		zap.Int("status", mindlytics.StatusCode(err)),
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
// failures, 408, 429, 5xx), a permanent error for the rest (other 4xx).
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
	case mindlytics.IsRetryable(err):
		return err
	default:
		return consumererror.NewPermanent(err)
	}
}
