package exporter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter"
)

// TestNewNamesEachInvalidSetting checks that New refuses invalid settings
// and names each one by its collector key and its option: the check is the
// one the collector component runs too.
func TestNewNamesEachInvalidSetting(t *testing.T) {
	tests := []struct {
		name string
		opt  exporter.Option
		want string
	}{
		{"max request events", exporter.WithMaxRequestEvents(0), "max_request_events (WithMaxRequestEvents): is 0; it must be at least 1"},
		{"max request bytes", exporter.WithMaxRequestBytes(10), "max_request_bytes (WithMaxRequestBytes): is 10"},
		{"requests in flight", exporter.WithRequestsInFlight(257), "requests_in_flight (WithRequestsInFlight): is 257; it must be between 1 and 256"},
		{"translation", exporter.WithTraceCacheSize(0), "identity::trace_cache_size (WithTraceCacheSize)"},
		{"shutdown timeout", exporter.WithShutdownTimeout(0), "WithShutdownTimeout: must be positive"},
		{"queue", exporter.WithFlushInterval(-time.Second), "WithFlushInterval: must be positive"},
		{"retry", exporter.WithRetry(time.Second, time.Millisecond, time.Minute), "WithRetry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := exporter.New(context.Background(), exporter.WithAPIKey("k"), exporter.WithProjectID("p"), tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
