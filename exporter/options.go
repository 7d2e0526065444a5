package exporter

import (
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Option configures an [Exporter]. Each option names one setting; where
// the collector component has the same setting, its YAML key is the
// snake_case of the option's name (WithMaxRequestEvents is
// max_request_events, WithTraceCacheSize is identity::trace_cache_size),
// with the same default and the same check. Where the collector uses
// exporterhelper's or confighttp's own key instead, the option says which.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// DefaultShutdownTimeout bounds Shutdown when its context has no
// deadline, so that an unreachable service never holds an app's exit.
const DefaultShutdownTimeout = 10 * time.Second

// maxErrors is how many entries [Exporter.Errors] keeps: enough for every
// kind of error with many reasons, since repeats add to one entry's count.
const maxErrors = 100

// config holds every setting of the exporter. The settings the collector
// component shares are held in the types that define them once (requests,
// translation); the others are the queue's options, which hold their own
// defaults and checks, and the exporter's own, whose defaults are here.
type config struct {
	client          []mindlytics.ClientOption
	queue           []queue.Option
	requests        delivery.RequestSettings
	translation     translate.Settings
	errorHandler    func(error)
	logger          *slog.Logger
	shutdownTimeout time.Duration
}

func newConfig(opts []Option) config {
	c := config{
		requests:        delivery.DefaultRequestSettings(),
		translation:     translate.DefaultSettings(),
		logger:          slog.New(slog.DiscardHandler),
		shutdownTimeout: DefaultShutdownTimeout,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// --- the service ---

// WithAPIKey sets the Mindlytics API key; it wins over MLSDK_API_KEY.
func WithAPIKey(key string) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, mindlytics.WithAPIKey(key)) })
}

// WithProjectID sets the Mindlytics project id; it wins over
// MLSDK_PROJECT_ID.
func WithProjectID(id string) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, mindlytics.WithProjectID(id)) })
}

// WithServerBase sets the service's base URL; it wins over
// MLSDK_SERVER_BASE. The default is https://app.mindlytics.ai. Collector:
// endpoint, confighttp's key.
func WithServerBase(base string) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, mindlytics.WithServerBase(base)) })
}

// WithTimeout bounds each request to the service (default
// 10 s); a request that times out is retried.
// Collector: timeout, confighttp's key.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithRequestTimeout(d)) })
}

// WithClientOptions passes further options to the wire client
// ([mindlytics.NewClient]): an HTTP client of your own
// ([mindlytics.WithHTTPClient]), compression, user agent.
func WithClientOptions(opts ...mindlytics.ClientOption) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, opts...) })
}

// --- delivery ---

// WithMaxRequestEvents sets the most events one request carries (default
// 500).
func WithMaxRequestEvents(n int) Option {
	return optionFunc(func(c *config) { c.requests.MaxRequestEvents = n })
}

// WithMaxRequestBytes sets the largest request body (default 512 KiB,
// between 1 KiB and 1 MiB); a larger event is dropped and reported.
func WithMaxRequestBytes(n int) Option {
	return optionFunc(func(c *config) { c.requests.MaxRequestBytes = n })
}

// WithRequestsInFlight sets how many requests may be in flight at once
// (default 4, at most 256). Sessions are spread over that many lanes by a
// hash of their id and each lane sends one request at a time, so a
// session's events keep their order.
func WithRequestsInFlight(n int) Option {
	return optionFunc(func(c *config) { c.requests.RequestsInFlight = n })
}

// WithFlushInterval sets how long an event may wait for its request to
// fill (default 1 s). Collector: sending_queue::batch::flush_timeout,
// exporterhelper's key.
func WithFlushInterval(d time.Duration) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithFlushInterval(d)) })
}

// WithMaxQueueEvents bounds the events waiting or in flight (default
// 100,000); past it new events are dropped, counted and reported.
// Collector: sending_queue::queue_size, exporterhelper's key.
func WithMaxQueueEvents(n int) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithMaxQueueEvents(n)) })
}

// WithMaxQueueBytes bounds the bytes held for the events waiting or in
// flight (default 64 MiB); past it new events are dropped and reported.
func WithMaxQueueBytes(n int64) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithMaxQueueBytes(n)) })
}

// WithRetry shapes the retries of failed requests (transport errors, 408,
// 429, 502, 503, 504; a 500 is the delivery rule's, tried 4 times then
// split, docs/CONTRACT.md): exponential backoff with jitter from initial up to max
// between attempts (never beyond max), giving up when the next wait would
// pass maxElapsed (defaults 200 ms, 3 s, 5 min; maxElapsed 0 disables
// retries). A Retry-After from the service is a floor for the wait; one
// longer than the budget left gives up at once. Collector:
// retry_on_failure, exporterhelper's key, with the same defaults.
func WithRetry(initial, max, maxElapsed time.Duration) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithRetry(initial, max, maxElapsed)) })
}

// WithMeterProvider sets where the queue reports its metrics
// (mindlytics.queue.*; default the global provider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, queue.WithMeterProvider(mp)) })
}

// WithShutdownTimeout bounds Shutdown when its context has no deadline
// (default [DefaultShutdownTimeout]): what is not delivered by then is
// dropped, counted and reported in Shutdown's error. The collector gives
// its exporters a deadline of its own.
func WithShutdownTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.shutdownTimeout = d })
}

// --- errors and logs ---

// WithErrorHandler sets the function that receives every [*Error] the
// exporter records: spans it could not translate and events it could not
// deliver. It runs on a goroutine of the exporter's, never on the caller's
// of ExportSpans, one call at a time; a handler too slow to keep up misses
// calls, never list entries. Without it, errors go to the OTel global
// error handler (otel.Handle), each kind at most once a minute.
func WithErrorHandler(h func(error)) Option {
	return optionFunc(func(c *config) { c.errorHandler = h })
}

// WithLogger sets the logger of the exporter, its queue and its client. The
// default discards everything.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}
