package exporter

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/exporter/queue"
	"github.com/mindlytics/mindlytics-otel/exporter/translate"
)

// Option configures an [Exporter].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config holds every setting of the exporter; defaults live in newConfig.
type config struct {
	client         []mindlytics.ClientOption
	queue          []queue.Option
	translation    []translate.Option
	errorHandler   func(error)
	logger         *slog.Logger
	endOnShutdown  bool
	expiryInterval time.Duration
}

func newConfig(opts []Option) config {
	c := config{
		logger:        slog.New(slog.DiscardHandler),
		endOnShutdown: true,
	}
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

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
// MLSDK_SERVER_BASE. The default is https://app.mindlytics.ai.
func WithServerBase(base string) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, mindlytics.WithServerBase(base)) })
}

// WithHTTPClient sets the HTTP client used to reach the service.
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, mindlytics.WithHTTPClient(hc)) })
}

// WithClientOptions passes further options to the wire client
// ([mindlytics.NewClient]): timeouts, compression, user agent.
func WithClientOptions(opts ...mindlytics.ClientOption) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, opts...) })
}

// WithQueueOptions passes options to the batching queue ([queue.New]):
// batch sizes, flush interval, bounds, concurrency, retries.
func WithQueueOptions(opts ...queue.Option) Option {
	return optionFunc(func(c *config) { c.queue = append(c.queue, opts...) })
}

// WithTranslation passes options to the translation ([translate.New]):
// identity key lists, fallbacks, idle timeouts, value limits. A
// [translate.Config] is an option too.
func WithTranslation(opts ...translate.Option) Option {
	return optionFunc(func(c *config) { c.translation = append(c.translation, opts...) })
}

// WithErrorHandler sets a function that receives every error the exporter
// records: spans it could not translate and events it could not deliver
// ([queue.Error]). It is called from the exporter's goroutines and must
// not block for long.
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

// WithEndOnShutdown says whether Shutdown ends the conversations and
// sessions still open (default true). Mindlytics analyses a conversation
// only once it has ended; turn this off when a session outlives the process
// and another exporter will go on with it.
func WithEndOnShutdown(end bool) Option {
	return optionFunc(func(c *config) { c.endOnShutdown = end })
}

// WithExpiryInterval sets how often idle conversations and sessions are
// looked for. The default is a quarter of the shorter idle timeout, between
// one second and one minute.
func WithExpiryInterval(d time.Duration) Option {
	return optionFunc(func(c *config) { c.expiryInterval = d })
}
