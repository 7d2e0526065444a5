package mindlytics

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// TestQueueRequestIsTheParsedRequest compares the batch endpoint's request
// copied from the client's template with the one http.NewRequestWithContext
// parses, for several bases, and checks that no request shares the
// template's URL or headers; other requests get no copy.
func TestQueueRequestIsTheParsedRequest(t *testing.T) {
	type ctxKey struct{}
	ctx := context.WithValue(t.Context(), ctxKey{}, "request")
	for _, base := range []string{"https://app.mindlytics.ai", "http://127.0.0.1:8080", "https://host:443/prefix/", "http://[::1]:80/a%20b"} {
		c, err := NewClient(WithAPIKey("k"), WithProjectID("p"), WithServerBase(base))
		require.NoError(t, err)
		got := c.queueRequestTo(ctx, http.MethodPost, wire.PathEventsQueue, nil, nil)
		require.NotNil(t, got, base)
		want, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+wire.PathEventsQueue, nil)
		require.NoError(t, err)
		require.Nil(t, got.Header, "newRequest sets the headers")
		got.Header, want.Header = http.Header{"X": {"1"}}, http.Header{"X": {"1"}}
		require.Equal(t, want, got, base)
		require.Equal(t, ctx, got.Context())
		require.NotSame(t, c.queueRequest.URL, got.URL, "each request has its own URL")
		got.URL.Path = "/changed"
		require.Equal(t, c.base+wire.PathEventsQueue, c.queueRequest.URL.String(), "the template is left as it was")
		sent, err := c.newRequest(ctx, http.MethodPost, wire.PathEventsQueue, nil, nil, nil)
		require.NoError(t, err)
		require.Equal(t, "Bearer k", sent.Header.Get("Authorization"))
		sent.Header.Set("Y", "2") // as a RoundTripper setting configured headers does
		require.Empty(t, c.queueRequest.Header, "the template's headers are never a request's")

		require.Nil(t, c.queueRequestTo(ctx, http.MethodGet, wire.PathEventsQueue, nil, nil))
		require.Nil(t, c.queueRequestTo(ctx, http.MethodPost, wire.PathEvent, nil, nil))
		require.Nil(t, c.queueRequestTo(ctx, http.MethodPost, wire.PathEventsQueue, url.Values{"a": {"b"}}, nil))
		require.Nil(t, c.queueRequestTo(ctx, http.MethodPost, wire.PathEventsQueue, nil, http.NoBody))
	}
}
