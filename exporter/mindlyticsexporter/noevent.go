package mindlyticsexporter

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// noEventReasons are the reason attributes of
// otelcol_exporter_mindlytics_spans_without_event, made once: a counter's
// attributes are otherwise built at every Add.
var noEventReasons = func() (opts [len(translate.NoEventCounts{})]metric.AddOption) {
	for r := range opts {
		opts[r] = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", translate.NoEventReason(r).Label())))
	}
	return opts
}()

// countSpansWithoutEvent adds the spans the translation made no event of
// since the last call to the metric, by reason. c.mu must be held.
func (c *core) countSpansWithoutEvent(ctx context.Context) {
	for r, n := range c.tr.NoEventCounts() {
		if n > 0 {
			c.telemetry.ExporterMindlyticsSpansWithoutEvent.Add(ctx, n, noEventReasons[r])
		}
	}
}
