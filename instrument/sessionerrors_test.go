package instrument_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestSessionErrorsAreThereWhenFlushReturns: the service refuses the key;
// Session.Errors read right after Session.Flush shows the refusal every
// time (it was empty in 2 of 5 runs), and Flush says events were lost.
func TestSessionErrorsAreThereWhenFlushReturns(t *testing.T) {
	srv := mindlyticstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := instrument.New(context.Background(), instrument.WithClientOptions(
		append(srv.ClientOptions(), mindlytics.WithAPIKey("sk-not-the-key"))...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Shutdown(testkit.Context(t, testkit.Wait)) })
	for round := range 5 {
		ctx, s, err := c.StartSession(context.Background(), instrument.SessionConfig{
			ID: fmt.Sprintf("s%d", round), UserID: "u1"})
		require.NoError(t, err)
		require.NoError(t, s.Track(ctx, "step"))
		err = s.Flush(testkit.Context(t, testkit.Wait))
		require.ErrorIs(t, err, exporter.ErrLost, "round %d", round)
		errs := s.Errors()
		require.NotEmpty(t, errs, "round %d: Errors() right after Flush", round)
		var e *exporter.Error
		require.ErrorAs(t, errs[0], &e)
		assert.Equal(t, 403, e.StatusCode)
	}
}

// TestUnreachableServiceReachesOpenSessions: with nothing listening, every
// open session's OnError is told within seconds, once, while retries go
// on.
//
// Figure: go test -race -run TestUnreachableServiceReachesOpenSessions -v ./instrument/
func TestUnreachableServiceReachesOpenSessions(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	c, err := instrument.New(context.Background(), instrument.WithServerBase(base),
		instrument.WithAPIKey("k"), instrument.WithProjectID("p"),
		instrument.WithExporterOptions(exporter.WithFlushInterval(10*time.Millisecond)),
		instrument.WithErrorHandler(func(error) {}))
	require.NoError(t, err)
	began := time.Now()
	told := make(chan error, 4)
	for i := range 2 {
		ctx, s, err := c.StartSession(context.Background(), instrument.SessionConfig{
			ID: fmt.Sprintf("s%d", i), UserID: "u1", OnError: func(err error) { told <- err }})
		require.NoError(t, err)
		require.NoError(t, s.Track(ctx, "step"))
	}
	// The batch span processor holds spans up to 5 s: a flush hands them
	// to the exporter now. It cannot deliver them, and says so.
	fctx, fcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer fcancel()
	require.ErrorIs(t, c.Flush(fctx), context.DeadlineExceeded)
	for range 2 {
		err := testkit.Receive(t, told, "the outage, told to each open session")
		var e *exporter.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, exporter.ErrorRetrying, e.Kind)
	}
	after := time.Since(began)
	assert.Less(t, after, 5*time.Second)
	t.Logf("unreachable service told to both open sessions after %v", after.Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	require.Error(t, c.Shutdown(ctx), "nothing could be delivered")
	select {
	case err := <-told:
		var e *exporter.Error
		require.ErrorAs(t, err, &e)
		assert.NotEqual(t, exporter.ErrorRetrying, e.Kind, "the outage is told once")
	default:
	}
}
