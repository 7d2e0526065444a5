package queue_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// closedPort returns the address of a port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestIntegrationUnreachableIsReportedWhileRetrying: against a closed port
// the queue tells, within seconds and once, that the service is not
// accepting events, while the retries go on; a Flush with a deadline says
// how many events are still pending instead of returning nil.
//
// Figure: go test -race -run TestIntegrationUnreachableIsReportedWhileRetrying -v ./internal/queue/
func TestIntegrationUnreachableIsReportedWhileRetrying(t *testing.T) {
	c, err := mindlytics.NewClient(mindlytics.WithServerBase("http://"+closedPort(t)),
		mindlytics.WithAPIKey("key"), mindlytics.WithProjectID("p"))
	require.NoError(t, err)
	q := newQueue(t, c, queue.WithConcurrency(2), queue.WithFlushInterval(10*time.Millisecond))
	start := time.Now()
	for i := range 20 {
		require.True(t, q.Enqueue(compact.Of(sessionEvent(t, "s"+string(rune('a'+i%4)), i))))
	}
	require.Eventually(t, func() bool { return len(q.Errors()) > 0 }, 5*time.Second, 10*time.Millisecond)
	reportedAfter := time.Since(start)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = q.Flush(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "20 events still pending")

	errs := q.Errors()
	require.Len(t, errs, 1, "one report per outage, not one per lane or attempt: %v", errs)
	assert.Equal(t, queue.KindRetrying, errs[0].Kind)
	assert.Contains(t, errs[0].Message, "still retrying")
	assert.Contains(t, errs[0].Message, "connection refused")
	s := q.Stats()
	assert.Equal(t, int64(20), s.Pending, "nothing is lost while retrying: %+v", s)
	assert.Positive(t, s.Retries)
	t.Logf("closed port: reported after %v (bound 5 s); Flush with a 3 s deadline: %v; stats %+v",
		reportedAfter.Round(time.Millisecond), err, s)
	assert.Less(t, reportedAfter, 4*time.Second)

	// Shutdown by its deadline: what is left is dropped, counted and told.
	sctx, scancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer scancel()
	began := time.Now()
	require.ErrorIs(t, q.Shutdown(sctx), context.DeadlineExceeded)
	took := time.Since(began)
	s = q.Stats()
	assert.Equal(t, int64(20), s.Dropped, "%+v", s)
	assert.Equal(t, queue.KindShutdown, q.Errors()[len(q.Errors())-1].Kind)
	assert.Less(t, took, time.Second)
	t.Logf("Shutdown with a 500 ms deadline took %v; stats %+v", took.Round(time.Millisecond), s)
}

// TestIntegrationRetryingIsReportedOncePerOutage: a second outage after
// the service accepted a request is reported again; the first outage is
// not reported twice.
func TestIntegrationRetryingIsReportedOncePerOutage(t *testing.T) {
	srv := newServer(t)
	q := newQueue(t, newClient(t, srv), queue.WithConcurrency(1), queue.WithFlushInterval(10*time.Millisecond),
		queue.WithRetry(20*time.Millisecond, 50*time.Millisecond, time.Minute),
		queue.WithRetryingReport(200*time.Millisecond))
	for outage := range 2 {
		srv.Down(600 * time.Millisecond)
		enqueueSessions(t, q, 3, outage*5, outage*5+5)
		flushQueue(t, q, 20*time.Second)
		require.Len(t, q.Errors(), outage+1, "%v", q.Errors())
		assert.Equal(t, queue.KindRetrying, q.Errors()[outage].Kind)
	}
	assert.False(t, q.HasErrors(), "nothing lost: %v", q.Errors())
	assert.Equal(t, int64(30), q.Stats().Sent)
}
