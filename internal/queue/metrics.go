package queue

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// meterName is the instrumentation scope of the queue's metrics.
const meterName = "github.com/mindlytics/mindlytics-otel/internal/queue"

// Stats is a snapshot of the queue's counters. Once [Queue.Flush] has
// returned and no Enqueue runs, Sent + Failed + Dropped = Enqueued.
type Stats struct {
	Enqueued     int64 // calls to Enqueue, accepted or not
	Sent         int64 // events the service accepted
	Failed       int64 // events that failed for good after being accepted
	Dropped      int64 // events Enqueue refused, and those Shutdown's deadline cut off
	Pending      int64 // events accepted and not yet sent or failed
	PendingBytes int64 // what the queue holds for them: their JSON and 12 bytes each
	Batches      int64 // requests that succeeded
	Retries      int64 // requests sent again after a failure
}

// counters are the queue's live counts; metrics observe them when read,
// so the enqueue path costs a few atomic adds and nothing more.
type counters struct {
	enqueued      atomic.Int64
	sent          atomic.Int64
	failed        atomic.Int64
	dropped       [numDropReasons]atomic.Int64
	pendingEvents atomic.Int64
	pendingBytes  atomic.Int64
	batches       atomic.Int64
	retries       atomic.Int64
}

func (c *counters) droppedTotal() int64 {
	var n int64
	for i := range c.dropped {
		n += c.dropped[i].Load()
	}
	return n
}

// Outcomes of a request, the outcome attribute of the latency histogram.
const (
	outcomeSuccess   = "success"
	outcomeRetryable = "retryable"
	outcomeFailure   = "failure"
)

// instruments are the synchronous instruments and the registration of the
// observed ones.
type instruments struct {
	batchSize    metric.Int64Histogram
	latency      metric.Float64Histogram
	outcomeAttrs map[string]metric.RecordOption
	registration metric.Registration
}

func newInstruments(mp metric.MeterProvider, c *counters) (*instruments, error) {
	m := mp.Meter(meterName)
	var errs []error
	count := func(name, unit, desc string) metric.Int64ObservableCounter {
		inst, err := m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return inst
	}
	gauge := func(name, unit, desc string) metric.Int64ObservableGauge {
		inst, err := m.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return inst
	}
	enqueued := count("mindlytics.queue.events.enqueued", "{event}", "Events handed to the queue, accepted or not.")
	sent := count("mindlytics.queue.events.sent", "{event}", "Events the service accepted.")
	failed := count("mindlytics.queue.events.failed", "{event}", "Accepted events that failed for good.")
	dropped := count("mindlytics.queue.events.dropped", "{event}", "Events the queue refused, by reason.")
	retries := count("mindlytics.queue.retries", "{request}", "Requests sent again after a failure.")
	pending := gauge("mindlytics.queue.events.pending", "{event}", "Events waiting or in flight.")
	pendingBytes := gauge("mindlytics.queue.pending.size", "By", "Bytes held for the events waiting or in flight: their encoded size and a 12-byte record header each.")

	inst := &instruments{outcomeAttrs: map[string]metric.RecordOption{}}
	var err error
	inst.batchSize, err = m.Int64Histogram("mindlytics.queue.batch.size",
		metric.WithUnit("{event}"), metric.WithDescription("Events per request the service accepted."),
		metric.WithExplicitBucketBoundaries(1, 5, 10, 25, 50, 100, 250, 500, 1000))
	errs = append(errs, err)
	inst.latency, err = m.Float64Histogram("mindlytics.queue.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of requests to the service, by outcome."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("queue: creating metrics: %w", err)
	}
	for _, o := range []string{outcomeSuccess, outcomeRetryable, outcomeFailure} {
		inst.outcomeAttrs[o] = metric.WithAttributeSet(attribute.NewSet(attribute.String("outcome", o)))
	}
	var reasonAttrs [numDropReasons]metric.ObserveOption
	for r := range numDropReasons {
		reasonAttrs[r] = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", r.metricValue())))
	}

	inst.registration, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(enqueued, c.enqueued.Load())
		o.ObserveInt64(sent, c.sent.Load())
		o.ObserveInt64(failed, c.failed.Load())
		o.ObserveInt64(retries, c.retries.Load())
		o.ObserveInt64(pending, c.pendingEvents.Load())
		o.ObserveInt64(pendingBytes, c.pendingBytes.Load())
		// Reasons sharing an attribute value are summed into one point.
		byValue := map[string]int64{}
		for r := range numDropReasons {
			byValue[r.metricValue()] += c.dropped[r].Load()
		}
		for r := range numDropReasons {
			if v, ok := byValue[r.metricValue()]; ok {
				o.ObserveInt64(dropped, v, reasonAttrs[r])
				delete(byValue, r.metricValue())
			}
		}
		return nil
	}, enqueued, sent, failed, dropped, retries, pending, pendingBytes)
	if err != nil {
		return nil, fmt.Errorf("queue: registering metric callback: %w", err)
	}
	return inst, nil
}

// request records one request's duration and, on success, its size.
func (in *instruments) request(events int, took time.Duration, outcome string) {
	ctx := context.Background()
	in.latency.Record(ctx, took.Seconds(), in.outcomeAttrs[outcome])
	if outcome == outcomeSuccess {
		in.batchSize.Record(ctx, int64(events))
	}
}
