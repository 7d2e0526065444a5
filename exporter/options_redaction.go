package exporter

import "github.com/mindlytics/mindlytics-otel/redaction"

// WithRedaction masks personal data and secrets in everything the exporter
// sends: turn texts, function arguments and results, and the values of
// properties, attributes and traits, each value found replaced by a marker
// such as "[email]" (package redaction lists the detectors and what is
// never redacted). The zero redaction.Config uses every built-in detector;
// a config's Func runs in-process only. Off by default. [Exporter.Stats]
// counts the values removed per detector. Collector: the redaction: block,
// the same struct.
func WithRedaction(c redaction.Config) Option {
	return withSettings(func(cfg *config) { cfg.translation.Redaction = &c })
}
