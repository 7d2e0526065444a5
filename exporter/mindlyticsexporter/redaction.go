package mindlyticsexporter

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
)

// The redaction: block is translate.Settings.Redaction (squashed into
// Config with the other translation settings): the in-process exporter's
// WithRedaction sets the same struct. Here it only gets its metric.

// redactions is what a translation that redacts offers: the values removed
// so far per detector, nil when redaction is off.
type redactions interface{ Redactions() map[string]int64 }

// Redactions is the translator's.
func (tr translator) Redactions() map[string]int64 { return tr.t.Redactions() }

// registerRedactions reports the redaction's counts per detector
// (attribute detector), read when the metrics are; nothing when redaction
// is off.
func registerRedactions(tb *metadata.TelemetryBuilder, tr translation) error {
	r, ok := tr.(redactions)
	if !ok || r.Redactions() == nil {
		return nil
	}
	return tb.RegisterExporterMindlyticsRedactionsCallback(func(_ context.Context, o metric.Int64Observer) error {
		for name, n := range r.Redactions() {
			o.Observe(n, metric.WithAttributes(attribute.String("detector", name)))
		}
		return nil
	})
}
