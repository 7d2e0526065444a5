package mindlyticsexporter

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// NewFactory returns the factory of the mindlytics exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Endpoint = wire.DefaultServerBase
	client.Timeout = wire.DefaultTimeout // the in-process exporter's WithTimeout

	queue := exporterhelper.NewDefaultQueueConfig()
	// One consumer: each request waits for the one before it, so the
	// events of a session reach the service in the order they were made.
	queue.NumConsumers = 1

	return &Config{
		ClientConfig:    client,
		QueueConfig:     configoptional.Some(queue),
		RetryConfig:     defaultRetryConfig(),
		RequestSettings: defaultRequestSettings(),
		Settings:        translate.DefaultSettings(),
		Tenants:         configoptional.Default(defaultTenantsConfig()),
	}
}

// collectorRequestsInFlight is the collector's default requests_in_flight.
// A collector carries the spans of many apps, and the service takes at
// most 500 events a request: under the load benchmark (issue 25,
// BENCHMARKS.md) 4 requests in flight fell behind the receiver (the
// sending queue full, 81 % of the events delivered when the load stopped)
// where 16 kept pace (99.9 %, the queue near empty). Slots send only when
// they hold events, so a light load still opens few connections. The
// in-process exporter keeps delivery's default: one app's flushes.
const collectorRequestsInFlight = 16

// defaultRequestSettings are delivery's defaults but requests_in_flight.
func defaultRequestSettings() delivery.RequestSettings {
	s := delivery.DefaultRequestSettings()
	s.RequestsInFlight = collectorRequestsInFlight
	return s
}

// defaultRetryConfig is exporterhelper's retry with the in-process
// exporter's defaults (WithRetry), so a session's events resume within a
// few seconds of the service's return.
func defaultRetryConfig() configretry.BackOffConfig {
	c := configretry.NewDefaultBackOffConfig()
	c.InitialInterval = delivery.DefaultRetryInitialInterval
	c.MaxInterval = delivery.DefaultRetryMaxInterval
	c.MaxElapsedTime = delivery.DefaultRetryMaxElapsed
	return c
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	if oCfg, ok := cfg.(*Config); ok && oCfg.Tenants.HasValue() {
		return createTenantTraces(ctx, set, oCfg) // tenants.go
	}
	c, err := acquire(ctx, set, cfg)
	if err != nil {
		return nil, err
	}
	return &tracesExporter{handle{core: c}}, nil
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	if oCfg, ok := cfg.(*Config); ok && oCfg.Tenants.HasValue() {
		return createTenantLogs(ctx, set, oCfg)
	}
	c, err := acquire(ctx, set, cfg)
	if err != nil {
		return nil, err
	}
	c.takesLogs()
	return &logsExporter{handle{core: c}}, nil
}

func acquire(ctx context.Context, set exporter.Settings, cfg component.Config) (*core, error) {
	oCfg, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("mindlytics exporter: unexpected configuration type %T", cfg)
	}
	return acquireCore(ctx, oCfg, set)
}
