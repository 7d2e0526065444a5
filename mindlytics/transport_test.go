package mindlytics

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultTransportKeepsConnectionsOfEveryLane sends from several
// goroutines at once, as the queue's lanes do, and counts the connections
// the loopback server saw opened: with enough idle connections per host,
// each sender dials once and then reuses its connection.
func TestDefaultTransportKeepsConnectionsOfEveryLane(t *testing.T) {
	const senders, requests = 8, 200
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(WithServerBase(srv.URL), WithAPIKey(testKey), WithProjectID("p"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for range requests {
				assert.NoError(t, c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{"type":"track"}`)}))
			}
		})
	}
	wg.Wait()
	t.Logf("%d requests from %d senders dialled %d connections", senders*requests, senders, dials.Load())
	// A few more than one per sender: a request may start dialling just
	// before a finished one hands its connection back.
	assert.LessOrEqual(t, dials.Load(), int64(2*senders), "connections dialled")
}

func TestDefaultTransport(t *testing.T) {
	c, err := NewClient(WithServerBase("https://example.invalid"), WithAPIKey(testKey), WithProjectID("p"))
	require.NoError(t, err)
	tr, ok := c.cfg.httpClient.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, maxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.GreaterOrEqual(t, tr.MaxIdleConns, maxIdleConnsPerHost)
	assert.True(t, tr.TLSClientConfig == nil || !tr.TLSClientConfig.InsecureSkipVerify, "TLS verification stays on")
	assert.NotNil(t, tr.Proxy, "proxy from the environment, as net/http's default")

	// A client of the caller's is used as given, but for the redirect rule.
	own := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	c, err = NewClient(WithServerBase("https://example.invalid"), WithAPIKey(testKey), WithProjectID("p"),
		WithHTTPClient(own))
	require.NoError(t, err)
	assert.Same(t, own.Transport, c.cfg.httpClient.Transport)
	assert.NotNil(t, c.cfg.httpClient.CheckRedirect)
	assert.Nil(t, own.CheckRedirect, "the caller's client is not changed")
	assert.Equal(t, 1, own.Transport.(*http.Transport).MaxIdleConnsPerHost)
}
