package queue_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Integration tests: the queue, the real client and the loopback server.

func newServer(t *testing.T, opts ...mindlyticstest.Option) *mindlyticstest.Server {
	t.Helper()
	srv := mindlyticstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, srv *mindlyticstest.Server, opts ...mindlytics.ClientOption) *mindlytics.Client {
	t.Helper()
	opts = append([]mindlytics.ClientOption{
		mindlytics.WithServerBase(srv.URL), mindlytics.WithAPIKey(srv.APIKey), mindlytics.WithProjectID(srv.ProjectID),
	}, opts...)
	c, err := mindlytics.NewClient(opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// recordedQueue is a queue whose reported errors a test can read.
type recordedQueue struct {
	*queue.Queue
	errs     *testkit.Recorder[queue.Error]
	lostSeen int64 // Failed + Dropped at the last flushQueue
}

func (q *recordedQueue) Errors() []queue.Error { return q.errs.All() }

// HasErrors reports whether the queue reported a loss: anything but the
// report of a service that is retried (KindRetrying).
func (q *recordedQueue) HasErrors() bool {
	for _, e := range q.errs.All() {
		if e.Kind != queue.KindRetrying {
			return true
		}
	}
	return false
}

// newQueue starts a queue that records its errors (opts must not set an
// error handler) and shuts it down at the end of the test.
func newQueue(t *testing.T, s queue.Sender, opts ...queue.Option) *recordedQueue {
	t.Helper()
	rec := &testkit.Recorder[queue.Error]{}
	q, err := queue.New(s, append(opts, queue.WithErrorHandler(rec.Add))...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		assert.NoError(t, q.Shutdown(ctx))
	})
	return &recordedQueue{Queue: q, errs: rec}
}

func flushQueue(t *testing.T, q *recordedQueue, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := q.Flush(ctx)
	s := q.Stats()
	if lost := s.Failed + s.Dropped; lost > q.lostSeen {
		require.ErrorIs(t, err, queue.ErrLost, "%d events lost since the last flush", lost-q.lostSeen)
		q.lostSeen = lost
		return
	}
	require.NoError(t, err)
}

// sessionEvent is event seq of a session: seq 0 starts it, the others are
// track events carrying seq, one millisecond apart.
func sessionEvent(t testing.TB, session string, seq int) mindlytics.Event {
	t.Helper()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	id := mindlytics.Identity{SessionID: session, UserID: "user-" + session, Time: base.Add(time.Duration(seq) * time.Millisecond)}
	var (
		ev  mindlytics.Event
		err error
	)
	if seq == 0 {
		ev, err = mindlytics.StartSession(id, mindlytics.Properties{"plan": "test"})
	} else {
		ev, err = mindlytics.Track(id, "", "step", mindlytics.Properties{"seq": seq})
	}
	require.NoError(t, err)
	return ev
}

// seqOf is the sequence number of an event the server recorded.
func seqOf(t testing.TB, ev mindlytics.Event) int {
	t.Helper()
	if ev.Type == mindlytics.TypeStartSession {
		return 0
	}
	n, ok := ev.Properties["seq"].(json.Number)
	require.True(t, ok, "event without seq: %+v", ev)
	i, err := n.Int64()
	require.NoError(t, err)
	return int(i)
}

// requireExactlyOnceInOrder checks that the server holds every event of
// every session once, in order; doubles are counted, not deduplicated.
func requireExactlyOnceInOrder(t *testing.T, srv *mindlyticstest.Server, sessions, perSession int) {
	t.Helper()
	seen := map[string]int{}
	for _, ev := range srv.Events() {
		seen[fmt.Sprintf("%s/%d", ev.SessionID, seqOf(t, ev))]++
	}
	doubles := 0
	for key, n := range seen {
		if n > 1 {
			doubles++
			t.Errorf("event %s arrived %d times", key, n)
		}
	}
	require.Zero(t, doubles)
	require.Len(t, seen, sessions*perSession, "every event arrives")
	for s := range sessions {
		id := fmt.Sprintf("session-%03d", s)
		events := srv.SessionEvents(id)
		require.Len(t, events, perSession, id)
		for i, ev := range events {
			require.Equal(t, i, seqOf(t, ev), "%s out of order", id)
		}
	}
	require.Empty(t, srv.Violations())
}

// enqueueSessions enqueues events from..to-1 of each session, sessions
// interleaved as concurrent users would be.
func enqueueSessions(t *testing.T, q *recordedQueue, sessions, from, to int) {
	t.Helper()
	for seq := from; seq < to; seq++ {
		for s := range sessions {
			require.True(t, q.Enqueue(compact.Of(sessionEvent(t, fmt.Sprintf("session-%03d", s), seq))))
		}
	}
}

func queueRequests(srv *mindlyticstest.Server) []mindlyticstest.Request {
	var out []mindlyticstest.Request
	for _, r := range srv.Requests() {
		if r.Path == wire.PathEventsQueue {
			out = append(out, r)
		}
	}
	return out
}

func TestIntegrationDeliversEveryEventOnceInOrder(t *testing.T) {
	srv := newServer(t)
	q := newQueue(t, newClient(t, srv))
	enqueueSessions(t, q, 100, 0, 100)
	flushQueue(t, q, 30*time.Second)

	requireExactlyOnceInOrder(t, srv, 100, 100)
	requests := queueRequests(srv)
	t.Logf("10,000 events in %d requests", len(requests))
	assert.LessOrEqual(t, len(requests), 200, "10,000 events in at most 200 requests")
	for _, r := range requests {
		assert.Equal(t, 200, r.Status)
	}
	s := q.Stats()
	assert.Equal(t, int64(10_000), s.Sent)
	assert.Equal(t, int64(len(requests)), s.Batches)
	assert.False(t, q.HasErrors(), "%v", q.Errors())
}

func TestIntegrationSurvivesFaults(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		t.Run(fmt.Sprintf("concurrency %d", concurrency), func(t *testing.T) {
			const (
				sessions   = 50
				perSession = 60
				retryAfter = time.Second
			)
			srv := newServer(t)
			q := newQueue(t, newClient(t, srv), queue.WithConcurrency(concurrency),
				queue.WithFlushInterval(20*time.Millisecond),
				queue.WithRetry(20*time.Millisecond, 300*time.Millisecond, 2*time.Minute))
			srv.FailRandomly(0.3, 503, int64(concurrency)) // transient; a 500 is the delivery rule's (internal/delivery)
			srv.Throttle(3, retryAfter)
			srv.DropConnections(4)

			enqueueSessions(t, q, sessions, 0, 20)
			time.Sleep(100 * time.Millisecond)
			srv.Down(3 * time.Second)
			enqueueSessions(t, q, sessions, 20, 40)
			time.Sleep(time.Second)
			enqueueSessions(t, q, sessions, 40, perSession)
			flushQueue(t, q, 45*time.Second)

			requireExactlyOnceInOrder(t, srv, sessions, perSession)
			s := q.Stats()
			assert.Equal(t, int64(sessions*perSession), s.Sent)
			assert.Zero(t, s.Failed)
			assert.False(t, q.HasErrors(), "%v", q.Errors())

			requests := queueRequests(srv)
			faults := map[string]int{}
			for _, r := range requests {
				faults[r.Fault]++
			}
			t.Logf("%d requests by fault: %v; stats %+v", len(requests), faults, s)
			assert.Equal(t, 3, faults["throttle"])
			assert.Equal(t, 4, faults["drop"])
			assert.Positive(t, faults["down"])
			assert.Positive(t, faults["fail-randomly"])
			assert.Equal(t, int64(len(requests)-faults[""]), s.Retries, "every failed request was retried")

			if concurrency == 1 {
				// One lane sends one request at a time: the request after a
				// 429 is its retry, and must wait Retry-After.
				for i, r := range requests[:len(requests)-1] {
					if r.Fault == "throttle" {
						gap := requests[i+1].Time.Sub(r.Time)
						assert.GreaterOrEqual(t, gap, retryAfter, "retry %d came %v after a 429", i+1, gap)
					}
				}
			}
		})
	}
}

func TestIntegrationBadEventIsIsolated(t *testing.T) {
	srv := newServer(t)
	q := newQueue(t, newClient(t, srv), queue.WithConcurrency(1), queue.WithMaxRequestEvents(200),
		queue.WithFlushInterval(time.Hour))
	const badAt = 123
	for seq := range 200 {
		ev := sessionEvent(t, "session-000", seq)
		if seq == badAt {
			ev.Event = strings.Repeat("n", wire.MaxIDLength+1) // built by hand: no validation
		}
		require.True(t, q.Enqueue(compact.Of(ev)))
	}
	flushQueue(t, q, 30*time.Second)

	events := srv.SessionEvents("session-000")
	require.Len(t, events, 199, "the 199 good events land")
	want := 0
	for _, ev := range events {
		if want == badAt {
			want++
		}
		require.Equal(t, want, seqOf(t, ev), "in order")
		want++
	}
	assert.Empty(t, srv.Violations())

	requests := queueRequests(srv)
	require.NotEmpty(t, requests)
	assert.Equal(t, 200, requests[0].Events, "one batch of 200 first")
	assert.Equal(t, 400, requests[0].Status)
	assert.LessOrEqual(t, len(requests), 1+2*8, "halving isolates the bad event in a few requests")
	last400 := mindlyticstest.Request{}
	for _, r := range requests {
		if r.Status == 400 {
			last400 = r
		}
	}
	require.Equal(t, 1, last400.Events)

	errs := q.Errors()
	require.Len(t, errs, 1)
	e := errs[0]
	assert.Equal(t, queue.KindRejected, e.Kind)
	assert.Equal(t, 400, e.StatusCode)
	assert.Equal(t, last400.Message, e.Message, "the server's message")
	assert.Contains(t, e.Message, "event")
	assert.Equal(t, "session-000", e.SessionID)
	assert.Equal(t, "track:"+strings.Repeat("n", wire.MaxIDLength+1), e.EventKind)
	assert.Equal(t, 1, e.Events)
	s := q.Stats()
	assert.Equal(t, int64(199), s.Sent)
	assert.Equal(t, int64(1), s.Failed)
}

func TestIntegrationQueueFull(t *testing.T) {
	const latency = 500 * time.Millisecond
	srv := newServer(t)
	srv.SetLatency(latency)
	q := newQueue(t, newClient(t, srv), queue.WithMaxQueueEvents(100), queue.WithMaxRequestEvents(50),
		queue.WithFlushInterval(10*time.Millisecond))
	var slowest time.Duration
	accepted := 0
	for i := range 1000 {
		start := time.Now()
		ok := q.Enqueue(compact.Of(sessionEvent(t, fmt.Sprintf("session-%03d", i%10), i/10)))
		slowest = max(slowest, time.Since(start))
		if ok {
			accepted++
		}
	}
	assert.Less(t, slowest, latency/2, "Enqueue never waits for the slow server")
	flushQueue(t, q, 30*time.Second)

	s := q.Stats()
	assert.Positive(t, s.Dropped)
	assert.Equal(t, int64(1000), s.Enqueued)
	assert.Equal(t, s.Enqueued, s.Sent+s.Dropped)
	assert.Equal(t, int64(accepted), s.Sent)
	assert.Len(t, srv.Events(), accepted)
	dropped := 0
	for _, e := range q.Errors() {
		require.Equal(t, queue.KindDropped, e.Kind)
		dropped += e.Events
	}
	assert.Equal(t, int(s.Dropped), dropped, "every drop is reported")
}

func TestIntegrationShutdownDeliversEverything(t *testing.T) {
	srv := mindlyticstest.NewServer()
	client, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL), mindlytics.WithAPIKey(srv.APIKey),
		mindlytics.WithProjectID(srv.ProjectID))
	require.NoError(t, err)
	q, err := queue.New(client, queue.WithFlushInterval(time.Hour))
	require.NoError(t, err)
	for seq := range 100 {
		for s := range 100 {
			require.True(t, q.Enqueue(compact.Of(sessionEvent(t, fmt.Sprintf("session-%03d", s), seq))))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, q.Shutdown(ctx))
	requireExactlyOnceInOrder(t, srv, 100, 100)
	assert.Equal(t, int64(10_000), q.Stats().Sent)
	assert.False(t, q.Enqueue(compact.Of(sessionEvent(t, "late", 0))))

	client.CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t)
}

func TestIntegrationNeverRevealsTheAPIKey(t *testing.T) {
	const (
		key      = "sk-live-SECRET-4f3c2a1b0e9d8c7b"
		wrongKey = "sk-live-WRONG-0a1b2c3d4e5f6a7b"
	)
	var logs testkit.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newServer(t, mindlyticstest.WithAPIKey(key))

	opts := []queue.Option{queue.WithLogger(logger), queue.WithConcurrency(1),
		queue.WithRetry(10*time.Millisecond, 20*time.Millisecond, 200*time.Millisecond)}

	// Retries, a rejected event and a request that never succeeds.
	good := newQueue(t, newClient(t, srv, mindlytics.WithLogger(logger)), opts...)
	srv.FailNext(500, 503)
	for seq := range 5 {
		ev := sessionEvent(t, "session-000", seq)
		if seq == 3 {
			ev.Event = strings.Repeat("n", 101)
		}
		good.Enqueue(compact.Of(ev))
	}
	flushQueue(t, good, 30*time.Second)
	srv.Down(time.Second)
	good.Enqueue(compact.Of(sessionEvent(t, "session-000", 5)))
	flushQueue(t, good, 30*time.Second)
	srv.Down(0)
	// A wrong key: 403 from the server.
	bad := newQueue(t, newClient(t, srv, mindlytics.WithAPIKey(wrongKey), mindlytics.WithLogger(logger)), opts...)
	bad.Enqueue(compact.Of(sessionEvent(t, "session-001", 0)))
	flushQueue(t, bad, 30*time.Second)

	errs := append(good.Errors(), bad.Errors()...)
	kinds := map[string]bool{}
	for _, e := range errs {
		kinds[fmt.Sprintf("%s %d", e.Kind, e.StatusCode)] = true
	}
	assert.True(t, kinds["rejected 400"], "kinds: %v", kinds)
	assert.True(t, kinds["rejected 403"], "kinds: %v", kinds)
	assert.True(t, kinds["gave up 0"], "kinds: %v", kinds)

	for _, e := range errs {
		require.Error(t, e.Err)
		for _, text := range []string{e.Error(), e.Message, fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), e.Err.Error()} {
			assert.NotContains(t, text, key)
			assert.NotContains(t, text, wrongKey)
		}
	}
	out := logs.String()
	require.NotEmpty(t, out)
	assert.Contains(t, out, "retrying request")
	assert.NotContains(t, out, key)
	assert.NotContains(t, out, wrongKey)
}
