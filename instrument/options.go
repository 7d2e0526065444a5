package instrument

import (
	"log/slog"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// config is what the options of [New] set; zero fields take defaults.
type config struct {
	tp           *sdktrace.TracerProvider
	client       []mindlytics.ClientOption // for the wire client and the exporter
	exporter     []exporter.Option
	logger       *slog.Logger
	errorHandler func(error)
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Option configures a [Client].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithAPIKey sets the Mindlytics API key; it wins over MLSDK_API_KEY.
func WithAPIKey(key string) Option {
	return WithClientOptions(mindlytics.WithAPIKey(key))
}

// WithProjectID sets the Mindlytics project id; it wins over
// MLSDK_PROJECT_ID.
func WithProjectID(id string) Option {
	return WithClientOptions(mindlytics.WithProjectID(id))
}

// WithServerBase sets the service's base URL; it wins over
// MLSDK_SERVER_BASE. The default is https://app.mindlytics.ai.
func WithServerBase(base string) Option {
	return WithClientOptions(mindlytics.WithServerBase(base))
}

// WithClientOptions passes options to the wire client (the one that
// identifies and aliases users and streams live events) and to the
// exporter's: the live-events URL, timeouts, compression. A
// mindlyticstest.Server's ClientOptions point both at a local server.
func WithClientOptions(opts ...mindlytics.ClientOption) Option {
	return optionFunc(func(c *config) { c.client = append(c.client, opts...) })
}

// WithExporterOptions passes options to the exporter (exporter.New): queue,
// translation, shutdown behaviour. Its error handler and logger are set by
// [WithErrorHandler] and [WithLogger].
func WithExporterOptions(opts ...exporter.Option) Option {
	return optionFunc(func(c *config) { c.exporter = append(c.exporter, opts...) })
}

// WithTracerProvider makes the client use the application's own
// TracerProvider, with its other processors and exporters, instead of
// building one: [New] registers the identity-stamping processor and a batch
// processor with the Mindlytics exporter on it, and [Client.Shutdown]
// removes them again (the provider itself stays the application's to shut
// down). The client exports every span the provider records, sampled or
// not; build the provider with [Sampler] around its own sampler so that
// sampling for the other exporters never drops a conversation's spans
// (without it, the hand API's own spans are still kept: [ErrSpanSampledOut]).
func WithTracerProvider(tp *sdktrace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tp = tp })
}

// WithLogger sets the logger of the client and its exporter. The default
// discards everything.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithErrorHandler sets a function that receives the delivery errors that
// belong to no session of this client (a session's own go to its
// [SessionConfig].OnError and [Session.Errors]). It runs on the exporter's
// goroutines and must not block for long. Without it such errors go to the
// OpenTelemetry global error handler (otel.Handle).
func WithErrorHandler(h func(error)) Option {
	return optionFunc(func(c *config) { c.errorHandler = h })
}
