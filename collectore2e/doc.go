// Package collector holds the end-to-end tests of the otelcol-mindlytics
// distribution built from builder-config.yaml with ocb: they start the
// built binary with the configurations of collector-config/, send it OTLP
// from Go programs using the OTel SDK, and check what reaches a loopback
// Mindlytics service (package mindlyticstest).
//
// The tests run when MINDLYTICS_COLLECTOR names the built binary and are
// skipped otherwise; `make collector-e2e` builds the distribution and runs
// them. The generated sources and the binary live in collectore2e/_build/,
// which git ignores.
package collectore2e
