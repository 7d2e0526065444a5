package queue

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Defaults of the queue's options. Those both front doors share are
// package delivery's (the request bounds, the requests in flight, the
// retries) and the wire client's (the request timeout): one constant each.
const (
	// DefaultFlushInterval is the longest an event waits for its batch to
	// fill. Events feed the service's analysis and its live stream, which
	// people read at human speed: a second adds no noticeable delay, while
	// a trickle of events costs at most one request per lane and second.
	// Busy queues send on count or size long before it.
	DefaultFlushInterval = time.Second
	// DefaultMaxQueueEvents bounds the events waiting or in flight.
	DefaultMaxQueueEvents = 100_000
	// DefaultMaxQueueBytes bounds the bytes held for the events waiting or
	// in flight (see [WithMaxQueueBytes]).
	DefaultMaxQueueBytes = 64 << 20
	// DefaultRetryingReport is how long a request may keep failing before
	// the queue reports the service as not accepting events: long enough
	// to ride out a blip, short enough that an unreachable service is told
	// within seconds rather than when the retries give up, minutes later.
	DefaultRetryingReport = 2 * time.Second
)

// Limits of the options.
const (
	// MinBatchBytes and MaxBatchBytes bound the batch byte limit.
	MinBatchBytes = delivery.MinRequestBytes
	MaxBatchBytes = delivery.MaxRequestBytes
	// MaxConcurrency is the most lanes a queue may have.
	MaxConcurrency = delivery.MaxRequestsInFlight
)

// config holds every setting of a Queue; defaults come from newConfig.
type config struct {
	maxBatchEvents int
	maxBatchBytes  int
	flushInterval  time.Duration
	maxQueueEvents int
	maxQueueBytes  int64
	concurrency    int
	retryInitial   time.Duration
	retryMax       time.Duration
	retryElapsed   time.Duration
	requestTimeout time.Duration
	retryingReport time.Duration
	errorHandler   func(Error)
	meterProvider  metric.MeterProvider
	logger         *slog.Logger
}

func newConfig(opts []Option) config {
	c := config{
		maxBatchEvents: delivery.DefaultMaxRequestEvents,
		maxBatchBytes:  delivery.DefaultMaxRequestBytes,
		flushInterval:  DefaultFlushInterval,
		maxQueueEvents: DefaultMaxQueueEvents,
		maxQueueBytes:  DefaultMaxQueueBytes,
		concurrency:    delivery.DefaultRequestsInFlight,
		retryInitial:   delivery.DefaultRetryInitialInterval,
		retryMax:       delivery.DefaultRetryMaxInterval,
		retryElapsed:   delivery.DefaultRetryMaxElapsed,
		requestTimeout: wire.DefaultTimeout,
		retryingReport: DefaultRetryingReport,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate reports every invalid setting, each naming its option.
func (c config) validate() error {
	var errs []error
	check := func(ok bool, option, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("queue: %s: "+format, append([]any{option}, args...)...))
		}
	}
	check(c.maxBatchEvents >= 1, "WithMaxRequestEvents", "must be at least 1, got %d", c.maxBatchEvents)
	check(c.maxBatchBytes >= MinBatchBytes && c.maxBatchBytes <= MaxBatchBytes, "WithMaxRequestBytes",
		"must be between %d and %d, got %d", MinBatchBytes, MaxBatchBytes, c.maxBatchBytes)
	check(c.flushInterval > 0, "WithFlushInterval", "must be positive, got %v", c.flushInterval)
	check(c.maxQueueEvents >= c.maxBatchEvents, "WithMaxQueueEvents",
		"must be at least the batch size %d, got %d", c.maxBatchEvents, c.maxQueueEvents)
	check(c.maxQueueBytes >= int64(c.maxBatchBytes), "WithMaxQueueBytes",
		"must be at least the batch byte limit %d, got %d", c.maxBatchBytes, c.maxQueueBytes)
	check(c.concurrency >= 1 && c.concurrency <= MaxConcurrency, "WithConcurrency",
		"must be between 1 and %d, got %d", MaxConcurrency, c.concurrency)
	check(c.retryInitial > 0, "WithRetry", "initial interval must be positive, got %v", c.retryInitial)
	check(c.retryMax >= c.retryInitial, "WithRetry",
		"max interval %v must be at least the initial interval %v", c.retryMax, c.retryInitial)
	check(c.retryElapsed >= 0, "WithRetry", "max elapsed time must not be negative, got %v", c.retryElapsed)
	check(c.requestTimeout > 0, "WithRequestTimeout", "must be positive, got %v", c.requestTimeout)
	check(c.retryingReport > 0, "WithRetryingReport", "must be positive, got %v", c.retryingReport)
	return errors.Join(errs...)
}

// Option configures a [Queue].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMaxRequestEvents sets the most events one request carries (default
// [delivery.DefaultMaxRequestEvents]). A lane sends as soon as it holds that many.
func WithMaxRequestEvents(n int) Option {
	return optionFunc(func(c *config) { c.maxBatchEvents = n })
}

// WithMaxRequestBytes sets the largest request body, in bytes (default
// [delivery.DefaultMaxRequestBytes], between [MinBatchBytes] and [MaxBatchBytes]). An
// event too large to fit a batch on its own is refused by [Queue.Enqueue].
func WithMaxRequestBytes(n int) Option {
	return optionFunc(func(c *config) { c.maxBatchBytes = n })
}

// WithFlushInterval sets how long an event may wait for its batch to fill
// before the batch is sent anyway (default [DefaultFlushInterval]).
func WithFlushInterval(d time.Duration) Option {
	return optionFunc(func(c *config) { c.flushInterval = d })
}

// WithMaxQueueEvents bounds the number of events waiting or in flight
// (default [DefaultMaxQueueEvents]); past it, new events are dropped.
func WithMaxQueueEvents(n int) Option {
	return optionFunc(func(c *config) { c.maxQueueEvents = n })
}

// WithMaxQueueBytes bounds the bytes held for the events waiting or in
// flight (default [DefaultMaxQueueBytes]); past it, new events are dropped.
// An event counts its JSON and a 12-byte record header: what the queue
// really holds for it, give or take one partly used 64 KiB chunk at each
// end of each lane.
func WithMaxQueueBytes(n int64) Option {
	return optionFunc(func(c *config) { c.maxQueueBytes = n })
}

// WithConcurrency sets the number of lanes (default [delivery.DefaultRequestsInFlight]).
// Sessions are spread over the lanes by a hash of their id; each lane sends
// one request at a time, so a session's events keep their order, and lanes
// send concurrently.
func WithConcurrency(n int) Option {
	return optionFunc(func(c *config) { c.concurrency = n })
}

// WithRetry shapes the retries of failed requests: exponential backoff from
// initial up to max between attempts, each wait drawn from the upper half
// of its interval (so never longer than max), giving up when the next
// wait would pass maxElapsed since the first attempt (defaults
// [delivery.DefaultRetryInitialInterval], [delivery.DefaultRetryMaxInterval],
// [delivery.DefaultRetryMaxElapsed]). A maxElapsed of zero disables retries. A wait
// the service asks for with Retry-After is always honoured in full; one
// longer than what is left of maxElapsed gives up at once, saying so.
func WithRetry(initial, max, maxElapsed time.Duration) Option {
	return optionFunc(func(c *config) {
		c.retryInitial, c.retryMax, c.retryElapsed = initial, max, maxElapsed
	})
}

// WithRequestTimeout bounds each request (default [wire.DefaultTimeout], 10 s).
// A request that times out is retried.
func WithRequestTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.requestTimeout = d })
}

// WithRetryingReport sets how long a request may keep failing (and being
// retried) before the queue reports an [Error] of kind [KindRetrying]
// (default [DefaultRetryingReport]). One report per outage: the next
// accepted request ends it.
func WithRetryingReport(d time.Duration) Option {
	return optionFunc(func(c *config) { c.retryingReport = d })
}

// WithErrorHandler registers a function called with every [Error] the
// queue records. It is called from the queue's own goroutines, possibly
// from several at once, never while the queue holds a lock. A lane waits
// for the handler before it sends its next batch, so the handler must
// return promptly (hand slow work to another goroutine) and must not call
// [Queue.Flush] or [Queue.Shutdown], which would wait for that very lane.
// Once Shutdown has stopped the queue's goroutines, an Enqueue it refuses
// is reported on Enqueue's own goroutine. The exporter's handler only
// hands the Error to a goroutine of its own, so none of this waits.
func WithErrorHandler(h func(Error)) Option {
	return optionFunc(func(c *config) { c.errorHandler = h })
}

// WithMeterProvider sets where the queue reports its metrics (default the
// global provider, otel.GetMeterProvider()). Nil keeps the default.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.meterProvider = mp })
}

// WithLogger sets the logger (default: none). The queue logs retries at
// debug level and failed or dropped events at warn level. Nil keeps the
// default.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}
