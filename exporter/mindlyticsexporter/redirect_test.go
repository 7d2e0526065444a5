package mindlyticsexporter

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestRedirectToPlainHTTPIsRefused: the component's confighttp client
// obeys the in-process client's redirect rule (mindlytics.CheckRedirect).
// A TLS loopback service answers 307 to http on the same host: the key is
// not sent there (it was, in clear text, and the events counted as
// delivered), and the pipeline gets the refusal as an error.
func TestRedirectToPlainHTTPIsRefused(t *testing.T) {
	var reached atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer plain.Close()
	front := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, plain.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer front.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile,
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600))

	srv := mindlyticstest.NewServer() // only for the key and project
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.ClientConfig.Endpoint = front.URL
	cfg.ClientConfig.TLS.CAFile = caFile
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	c := newTestCore(t, cfg)

	err := c.consumeTraces(context.Background(), traces("s1", t0, "a"))
	require.Error(t, err, "a refused redirect is not a delivery")
	assert.Contains(t, err.Error(), "307")
	assert.Contains(t, err.Error(), "not followed")
	assert.NotContains(t, err.Error(), srv.APIKey)
	assert.Zero(t, reached.Load(), "nothing, so no key, went over plain http")
	t.Logf("collector, 307 from https to http: %v", err)
}
