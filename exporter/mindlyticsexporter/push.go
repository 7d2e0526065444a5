package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

// batchSender is the part of the Mindlytics client the push path uses.
type batchSender interface {
	SendBatch(ctx context.Context, events []json.RawMessage) error
}

// push sends a request's unsettled events to the batch endpoint, in chunks
// of at most max_request_events events and max_request_bytes bytes, one
// request at a time so that the service sees them in order. A chunk refused
// with 400 or 413 is split in halves until the refused events are isolated:
// the others land, the refused ones are logged with the service's message,
// counted and dropped. Other errors stop the push; the events not yet
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

// deliverAll sends the unsettled events of r chunk by chunk.
func (c *core) deliverAll(ctx context.Context, sender batchSender, r *eventsRequest) error {
	for r.settled < len(r.events) {
		end := c.chunkEnd(r.events, r.settled)
		if err := c.deliver(ctx, sender, r, r.settled, end); err != nil {
			return c.collectorError(err)
		}
	}
	return nil
}

// chunkEnd returns the end of the chunk starting at start: as many events as
// the request limits allow, and at least one.
func (c *core) chunkEnd(events []json.RawMessage, start int) int {
	end, size := start, 2 // the brackets of the array
	for end < len(events) && end-start < c.cfg.MaxRequestEvents {
		n := len(events[end]) + 1 // and a comma
		if end > start && size+n > c.cfg.MaxRequestBytes {
			break
		}
		size += n
		end++
	}
	return end
}

// deliver sends events[start:end] and, when the service refuses the batch as
// a whole with 400 or 413, each half in turn. Every event it settles
// (delivered or refused for good) advances r.settled; an error leaves the
// unsettled ones for the retry.
func (c *core) deliver(ctx context.Context, sender batchSender, r *eventsRequest, start, end int) error {
	err := sender.SendBatch(ctx, r.events[start:end])
	if err == nil {
		r.settled = end
		return nil
	}
	if !mindlytics.IsSplittable(err) {
		return err
	}
	if end-start == 1 {
		c.refused(ctx, r.events[start], err)
		r.settled = end
		return nil
	}
	mid := start + (end-start)/2
	if err := c.deliver(ctx, sender, r, start, mid); err != nil {
		return err
	}
	return c.deliver(ctx, sender, r, mid, end)
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
		return exporterhelper.NewThrottleRetry(err, apiErr.RetryAfter)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case mindlytics.IsRetryable(err):
		return err
	default:
		return consumererror.NewPermanent(err)
	}
}
