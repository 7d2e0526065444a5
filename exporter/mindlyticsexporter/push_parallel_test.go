package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestSessionKey(t *testing.T) {
	id := mindlytics.Identity{SessionID: `s"1\x`, UserID: "u", Time: t0}
	start, err := mindlytics.StartSession(id, nil)
	require.NoError(t, err)
	// A property named session_id holding another session's id must not
	// change the key.
	tr, err := mindlytics.Track(id, "", "a", mindlytics.Properties{"session_id": "other", "x": `"session_id":"y"`})
	require.NoError(t, err)
	keys := map[uint32]bool{}
	for _, ev := range []mindlytics.Event{start, tr} {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		keys[delivery.EncodedSessionKey(b)] = true
	}
	assert.Len(t, keys, 1, "every event of a session has one key")
	assert.NotEqual(t, delivery.EncodedSessionKey(track(t, "s1", "a", t0)), delivery.EncodedSessionKey(track(t, "s2", "a", t0)))
	assert.Equal(t, uint32(0), delivery.EncodedSessionKey(json.RawMessage(`{"type":"track"}`)))
}

func TestPartitions(t *testing.T) {
	lim := delivery.Limits{MaxEvents: 10, MaxBytes: 1 << 20}
	evs := func(n int) []json.RawMessage { return make([]json.RawMessage, n) }
	assert.Equal(t, 1, partitions(evs(10), lim, 4), "one request's worth goes out as one")
	assert.Equal(t, 2, partitions(evs(11), lim, 4))
	assert.Equal(t, 4, partitions(evs(100), lim, 4))
	assert.Equal(t, 1, partitions(evs(100), lim, 1))
	wide := delivery.Limits{MaxEvents: 500, MaxBytes: 1 << 20}
	assert.Equal(t, 1, partitions(evs(199), wide, 4), "a small batch goes out as one request")
	assert.Equal(t, 3, partitions(evs(300), wide, 4), "one partition per 100 events")
	assert.Equal(t, 4, partitions(evs(1400), wide, 4))
}

// sessionsBatch makes sessions × perSession track events, interleaved
// across sessions, and what each session must receive.
func sessionsBatch(t *testing.T, sessions, perSession int) ([]json.RawMessage, map[string][]string) {
	var events []json.RawMessage
	want := map[string][]string{}
	for k := range perSession {
		for s := range sessions {
			sid, name := fmt.Sprintf("s%02d", s), fmt.Sprintf("e%02d", k)
			events = append(events, track(t, sid, name, t0.Add(time.Duration(k)*time.Millisecond)))
			want[sid] = append(want[sid], name)
		}
	}
	return events, want
}

func requireSessionOrder(t *testing.T, srv *mindlyticstest.Server, want map[string][]string) {
	t.Helper()
	total := 0
	for sid, w := range want {
		assert.Equal(t, w, names(srv.SessionEvents(sid)), "session %s", sid)
		total += len(w)
	}
	assert.Len(t, srv.Events(), total, "nothing lost or doubled")
}

func TestPushPartitionsBySession(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.SetLatency(30 * time.Millisecond)
	cfg := testConfig(srv)
	cfg.MaxRequestEvents, cfg.RequestsInFlight = 10, 4
	c := newTestCore(t, cfg)

	events, want := sessionsBatch(t, 16, 10) // 160 events: 16 requests
	start := time.Now()
	require.NoError(t, c.push(context.Background(), newEventsRequest(events)))
	elapsed := time.Since(start)
	requireSessionOrder(t, srv, want)
	// One at a time, 16 requests take 16 latencies; 4 side by side about 4–5.
	assert.Less(t, elapsed, 12*30*time.Millisecond, "the partitions went out side by side")
}

// flakySender fails every failEvery-th call; it is safe for concurrent use.
type flakySender struct {
	next      delivery.Sender
	mu        sync.Mutex
	calls     int
	failEvery int
}

func (f *flakySender) SendBatch(ctx context.Context, events []json.RawMessage) error {
	f.mu.Lock()
	f.calls++
	fail := f.calls%f.failEvery == 0
	f.mu.Unlock()
	if fail {
		return errors.New("connection reset")
	}
	return f.next.SendBatch(ctx, events)
}

func TestPushPartitionedRetryKeepsOrder(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.MaxRequestEvents, cfg.RequestsInFlight = 7, 4
	c := newTestCore(t, cfg)

	events, want := sessionsBatch(t, 13, 12)
	events = append(events, refusedEvent) // refused for good: settled, not retried
	sender := &flakySender{next: c.client, failEvery: 3}
	var req xexporterhelper.Request = newEventsRequest(events)
	for attempt := 0; ; attempt++ {
		require.Less(t, attempt, 100, "retries never finished")
		r := req.(*eventsRequest)
		err := c.deliverAll(context.Background(), sender, r)
		if err == nil {
			break
		}
		req = r.OnError(err)
	}
	requireSessionOrder(t, srv, want)
}

// TestPushKeepsAConnectionPerRequestInFlight sends rounds of requests side
// by side: each round finds the connections of the one before idle and
// reuses them (Go keeps two per host unless told), so that only the first
// round dials.
func TestPushKeepsAConnectionPerRequestInFlight(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.SetLatency(20 * time.Millisecond) // the requests of a round overlap
	cfg := testConfig(srv)
	cfg.MaxRequestEvents, cfg.RequestsInFlight = 10, 8
	c := newTestCore(t, cfg)

	const rounds = 4
	for range rounds {
		events, _ := sessionsBatch(t, 32, 10) // 320 events: 32 requests, 8 side by side
		require.NoError(t, c.push(context.Background(), newEventsRequest(events)))
	}
	conns := map[string]bool{}
	for _, r := range srv.Requests() {
		conns[r.RemoteAddr] = true
	}
	require.Len(t, srv.Requests(), rounds*32)
	assert.LessOrEqual(t, len(conns), cfg.RequestsInFlight, "connections opened for %d requests, at most %d in flight", rounds*32, cfg.RequestsInFlight)
}
