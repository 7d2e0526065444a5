package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// TestRequestTimeout checks that confighttp's timeout still bounds each
// request now that it is the request context's deadline: the push ends
// after it with an error saying so, one a retry may follow.
func TestRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then a closed connection ends r's context
		select {                           // never answers
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = srv.URL
	cfg.ClientConfig.Timeout = 100 * time.Millisecond
	cfg.APIKey, cfg.ProjectID = "k", "p"
	cfg.RetryConfig.Enabled = false
	tr, err := newTranslation(cfg)
	require.NoError(t, err)
	c, err := newCore(context.Background(), cfg, exportertest.NewNopSettings(metadata.Type), tr)
	require.NoError(t, err)
	require.NoError(t, c.start(context.Background(), componenttest.NewNopHost()))
	defer func() { _ = c.shutdown(context.Background()) }()

	r := newEventsRequest([]json.RawMessage{json.RawMessage(`{"type":"track","event":"x","session_id":"s","user_id":"u"}`)})
	if c.turns != nil {
		r.seq = c.turns.take()
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- c.push(context.Background(), r) }()
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the request was not timed out")
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
	assert.Contains(t, err.Error(), "timeout of 100ms passed")
	assert.True(t, delivery.IsRetryable(err), "%v", err) // dropped only as the retries are off
}
