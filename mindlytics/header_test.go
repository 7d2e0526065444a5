package mindlytics

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestHeaderIsCopied checks the headers a request gets from the
// client's built-once copy against the ones set one by one, as requests
// were made before, and that a request changing its headers (a
// propagator, a gzip body) leaves the next request's alone.
func TestRequestHeaderIsCopied(t *testing.T) {
	for _, gz := range []bool{false, true} {
		c, err := NewClient(WithAPIKey("key-1"), WithProjectID("proj"), WithServerBase("http://127.0.0.1:1"),
			WithUserAgent("ua/1"), WithGzip(gz))
		require.NoError(t, err)
		want := http.Header{}
		want.Set("Authorization", "Bearer key-1")
		want.Set("X-App-ID", "proj")
		want.Set("Content-Type", "application/json")
		want.Set("Accept", "application/json")
		want.Set("User-Agent", "ua/1")
		if gz {
			want.Set("Content-Encoding", "gzip")
		}
		req, err := c.newRequest(context.Background(), http.MethodPost, "/x", nil, []byte(`[]`), nil)
		require.NoError(t, err)
		assert.Equal(t, want, req.Header)
		req.Header.Set("Traceparent", "t")
		req.Header.Add("Accept", "text/plain")
		next, err := c.newRequest(context.Background(), http.MethodPost, "/x", nil, []byte(`[]`), nil)
		require.NoError(t, err)
		assert.Equal(t, want, next.Header)
	}
}
