package mindlyticstest_test

import (
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestWithAddrListensWhereAsked(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	srv := mindlyticstest.NewServer(mindlyticstest.WithAddr(addr))
	defer srv.Close()
	assert.Equal(t, "http://"+addr, srv.URL)
	resp, err := http.Get("http://" + addr + "/bc/v1/live-events/realtime")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the server answers there, and wants credentials")
}
