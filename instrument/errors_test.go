package instrument_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

type errorList struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorList) add(err error) { l.mu.Lock(); l.errs = append(l.errs, err); l.mu.Unlock() }
func (l *errorList) list() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// Network problems are never a call's error: they reach the session's
// Errors and callback; errors of no session reach the client's handler.
func TestDeliveryErrorsGoToTheSession(t *testing.T) {
	var clientErrs, sessErrs errorList
	srv, c := setup(t, instrument.WithErrorHandler(clientErrs.add))
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-e", UserID: "u-e", OnError: sessErrs.add})
	require.NoError(t, err)
	srv.FailNext(403)
	require.NoError(t, s.Track(ctx, "Clicked"), "the call never sees the network")
	require.ErrorIs(t, c.Flush(testkit.Context(t, testkit.Wait)), exporter.ErrLost, "Flush tells the loss")
	// The handler runs on the exporter's goroutine, and Flush waits for it.
	require.True(t, s.HasErrors())
	require.NotEmpty(t, s.Errors())
	require.Equal(t, s.Errors(), sessErrs.list())
	require.Equal(t, 403, delivery.StatusCode(s.Errors()[0]))
	require.Empty(t, clientErrs.list())

	// A span of other code that the translation refuses belongs to no session.
	_, bad := c.TracerProvider().Tracer("other").Start(bg(), "bad")
	bad.SetAttributes(sc.MindlyticsEventKey.String("bogus"))
	bad.End()
	flushed(t, c, srv)
	require.Eventually(t, func() bool { return len(clientErrs.list()) == 1 }, 5*time.Second, 5*time.Millisecond)
	require.Len(t, s.Errors(), len(sessErrs.list()))
}
