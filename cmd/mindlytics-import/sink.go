package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// settings are where the exporter's configuration comes from.
type settings struct {
	configFile string // YAML of the exporter's settings, or ""
	apiKey     string
	projectID  string
	serverBase string
}

// exporterConfig is the mindlytics exporter's configuration for a replay:
// its defaults, then the --config file, then the key, project and server
// base. It has no sending queue: a batch's Consume returns once its events
// are delivered, so a failure is the batch's, and the next batch goes out
// only after it.
func exporterConfig(s settings) (*mindlyticsexporter.Config, error) {
	cfg := mindlyticsexporter.NewFactory().CreateDefaultConfig().(*mindlyticsexporter.Config)
	if s.configFile != "" {
		data, err := os.ReadFile(s.configFile)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		retrieved, err := confmap.NewRetrievedFromYAML(data)
		if err != nil {
			return nil, fmt.Errorf("--config %s: %w", s.configFile, err)
		}
		conf, err := retrieved.AsConf()
		if err != nil {
			return nil, fmt.Errorf("--config %s: %w", s.configFile, err)
		}
		if conf.IsSet("sending_queue") {
			return nil, fmt.Errorf("--config %s: sending_queue: not used by an import, which delivers each batch of records before it hands over the next", s.configFile)
		}
		if err := conf.Unmarshal(cfg); err != nil {
			return nil, fmt.Errorf("--config %s: %w", s.configFile, err)
		}
	}
	if s.apiKey != "" {
		cfg.APIKey = configopaque.String(s.apiKey)
	}
	if s.projectID != "" {
		cfg.ProjectID = s.projectID
	}
	if s.serverBase != "" {
		cfg.ClientConfig.Endpoint = s.serverBase
	}
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	if err := cfg.Validate(); err != nil {
		return nil, err // names the settings; never the key's value
	}
	return cfg, nil
}

// sink is the mindlytics exporter as the collector runs it: one component
// for traces and one for logs sharing one translation (the same *Config),
// created by the factory, started, fed, shut down. Its own metrics say
// what the service refused.
type sink struct {
	traces exporter.Traces
	logs   exporter.Logs
	reader *sdkmetric.ManualReader
	meters *sdkmetric.MeterProvider
}

// startSink creates and starts the exporter with cfg, logging to logger.
func startSink(ctx context.Context, cfg *mindlyticsexporter.Config, logger *zap.Logger) (*sink, error) {
	f := mindlyticsexporter.NewFactory()
	s := &sink{reader: sdkmetric.NewManualReader()}
	s.meters = sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.reader))
	set := exporter.Settings{
		ID: component.NewID(f.Type()),
		TelemetrySettings: component.TelemetrySettings{
			Logger:         logger,
			TracerProvider: tracenoop.NewTracerProvider(),
			MeterProvider:  s.meters,
			Resource:       pcommon.NewResource(),
		},
		BuildInfo: component.BuildInfo{Command: "mindlytics-import", Description: "Mindlytics import of stored telemetry", Version: wire.Version},
	}
	var err error
	if s.traces, err = f.CreateTraces(ctx, set, cfg); err != nil {
		return nil, err
	}
	if s.logs, err = f.CreateLogs(ctx, set, cfg); err != nil {
		return nil, errors.Join(err, s.traces.Shutdown(ctx))
	}
	if err = s.traces.Start(ctx, host{}); err == nil {
		err = s.logs.Start(ctx, host{})
	}
	if err != nil {
		return nil, errors.Join(err, s.shutdown(ctx))
	}
	return s, nil
}

// consume hands one record (a batch's merged records) to the exporter; it
// returns once its events are delivered, or with the error that stopped
// them.
func (s *sink) consume(ctx context.Context, r record) error {
	switch r.kind {
	case kindTraces:
		return s.traces.ConsumeTraces(ctx, r.traces)
	case kindLogs:
		return s.logs.ConsumeLogs(ctx, r.logs)
	}
	return nil
}

// shutdown ends the open sessions and conversations, delivers their ends
// and whatever still waited (spans for an ancestor, log records for their
// span), and stops the exporter.
func (s *sink) shutdown(ctx context.Context) error {
	// The core shuts down with the last of its two components.
	return errors.Join(s.logs.Shutdown(ctx), s.traces.Shutdown(ctx))
}

// counts are the exporter's counters the summary reports.
type counts struct {
	translated, rejected, dropped, translationErrors int64
}

// counters reads the exporter's own metrics (documentation.md of the
// component): the events it made, and those the service refused or it
// dropped.
func (s *sink) counters(ctx context.Context) (counts, error) {
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(ctx, &rm); err != nil {
		return counts{}, err
	}
	var c counts
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			var n int64
			for _, dp := range sum.DataPoints {
				n += dp.Value
			}
			switch m.Name {
			case "otelcol_exporter_mindlytics_events_translated":
				c.translated = n
			case "otelcol_exporter_mindlytics_events_rejected":
				c.rejected = n
			case "otelcol_exporter_mindlytics_events_dropped":
				c.dropped = n
			case "otelcol_exporter_mindlytics_translation_errors":
				c.translationErrors = n
			}
		}
	}
	return c, nil
}

// host is the component.Host of the exporter: no extensions.
type host struct{}

func (host) GetExtensions() map[component.ID]component.Component { return nil }
