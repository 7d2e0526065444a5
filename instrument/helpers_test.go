package instrument_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// The default transport's keep-alive loops end on their own.
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// t0 is the base of the timestamps tests give: past data, as an import.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// setup starts a loopback server and a client pointed at it; both are
// closed when the test ends.
func setup(t *testing.T, opts ...instrument.Option) (*mindlyticstest.Server, *instrument.Client) {
	t.Helper()
	srv := mindlyticstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := instrument.New(context.Background(), append([]instrument.Option{instrument.WithClientOptions(srv.ClientOptions()...)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, c.Shutdown(ctx))
	})
	return srv, c
}

// flushed flushes the client and returns the events the server accepted.
func flushed(t *testing.T, c *instrument.Client, srv *mindlyticstest.Server) []mindlytics.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.Flush(ctx))
	require.Empty(t, srv.Violations())
	return srv.Events()
}

// must builds an expected event.
func must(t *testing.T) func(mindlytics.Event, error) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)
}

// requireEvents compares events in their wire form, in order.
func requireEvents(t *testing.T, want, got []mindlytics.Event) {
	t.Helper()
	require.Equal(t, wire(t, want), wire(t, got))
}

func wire(t *testing.T, events []mindlytics.Event) []string {
	t.Helper()
	out := make([]string, len(events))
	for i, ev := range events {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		out[i] = string(b)
	}
	return out
}

func bg() context.Context { return context.Background() }
