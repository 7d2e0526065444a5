package queue_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestIntegrationResumesSoonAfterRecovery: after an outage (every
// connection dropped), with the default retry settings, every lane
// is sending again within a few seconds of the service's return (it used
// to sit idle for up to ~18 s on a 30 s backoff cap with ±50% jitter).
//
// Figure: go test -race -run TestIntegrationResumesSoonAfterRecovery -v ./internal/queue/
func TestIntegrationResumesSoonAfterRecovery(t *testing.T) {
	const (
		sessions = 16
		outage   = 6 * time.Second
		bound    = 5 * time.Second
	)
	srv := newServer(t)
	q := newQueue(t, newClient(t, srv), queue.WithFlushInterval(20*time.Millisecond))
	srv.Down(outage)
	back := time.Now().Add(outage)
	enqueueSessions(t, q, sessions, 0, 5)
	flushQueue(t, q, outage+20*time.Second)

	// Every event was enqueued before the outage ended, so the last
	// successful request is the slowest lane's first after recovery.
	var last time.Time
	for _, r := range queueRequests(srv) {
		if r.Status == 200 && r.Time.After(last) {
			last = r.Time
		}
	}
	resumed := last.Sub(back)
	assert.Less(t, resumed, bound, "the slowest lane resumed %v after recovery", resumed)
	requireExactlyOnceInOrder(t, srv, sessions, 5)
	t.Logf("slowest lane resumed %v after the outage ended (%d requests)", resumed.Round(time.Millisecond), len(queueRequests(srv)))
}

// TestIntegrationUntrustedCertificateFailsAtOnce: a TLS certificate the
// client does not trust is reported at once, not retried for minutes.
func TestIntegrationUntrustedCertificateFailsAtOnce(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL), mindlytics.WithAPIKey("k"), mindlytics.WithProjectID("p"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	q := newQueue(t, c, queue.WithFlushInterval(10*time.Millisecond))
	require.True(t, q.Enqueue(compact.Of(sessionEvent(t, "s", 0))))
	start := time.Now()
	flushQueue(t, q, 10*time.Second)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, int64(1), q.Stats().Failed)
	assert.Zero(t, q.Stats().Retries)
	errs := q.Errors()
	require.Len(t, errs, 1)
	assert.Equal(t, queue.KindRejected, errs[0].Kind)
	assert.Contains(t, errs[0].Error(), "certificate")
}

// TestIntegrationAtLeastOnce: a batch whose reply is lost after the
// service accepted it is sent again, and the service holds it twice. The
// contract offers no idempotency key, so delivery is at least once.
func TestIntegrationAtLeastOnce(t *testing.T) {
	srv := newServer(t)
	q := newQueue(t, newClient(t, srv), queue.WithConcurrency(1), queue.WithFlushInterval(time.Hour),
		queue.WithRetry(10*time.Millisecond, 50*time.Millisecond, time.Minute))
	srv.LoseReplies(1)
	for seq := range 5 {
		require.True(t, q.Enqueue(compact.Of(sessionEvent(t, "s", seq))))
	}
	flushQueue(t, q, 10*time.Second)

	s := q.Stats()
	assert.Equal(t, int64(5), s.Sent)
	assert.Equal(t, int64(1), s.Retries)
	assert.False(t, q.HasErrors())
	reqs := queueRequests(srv)
	require.Len(t, reqs, 2)
	assert.Equal(t, "lost-reply", reqs[0].Fault)
	assert.Equal(t, 5, reqs[0].Events)
	assert.Equal(t, 200, reqs[1].Status)
	// The service holds the 5 events twice: 10 events for 5 sent.
	assert.Len(t, srv.Events(), 10)
	assert.NotEmpty(t, srv.Violations(), "the second start_session is a double")
}
