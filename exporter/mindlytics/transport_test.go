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
	const senders, requests = 8, 50
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
	assert.LessOrEqual(t, dials.Load(), int64(senders), "connections dialled")
}
