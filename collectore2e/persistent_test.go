package collectore2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestPersistentQueueSurvivesKill runs persistent.yaml against a service
// that is down, kills the collector with SIGKILL while it holds the events,
// starts it again on the same queue directory, brings the service back, and
// finds every event delivered once.
func TestPersistentQueueSurvivesKill(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	spec := collectorSpec{
		name:   "persistent",
		config: "persistent.yaml",
		env:    append(mindlyticsEnv(srv), "MINDLYTICS_QUEUE_DIR="+t.TempDir()),
		sets: []string{
			"exporters.mindlytics.retry_on_failure.initial_interval=100ms",
			"exporters.mindlytics.retry_on_failure.max_interval=500ms",
		},
	}

	// The service answers 503 at first: the requests it refuses show that
	// the collector holds every event in its queue.
	srv.FailRandomly(1, 503, 1)
	col := startCollector(t, spec)
	em := newEmitter(t, col.http)
	var want []mindlytics.Event
	wantBySession := map[string][]mindlytics.Event{}
	for i := range 3 {
		id := fmt.Sprintf("p-ours-%d", i)
		em.conventionSession(id, "u-"+id, base.Add(time.Duration(i)*time.Minute))
		wantBySession[id] = wantConventionSession(t, id, "u-"+id, base.Add(time.Duration(i)*time.Minute))
	}
	// Still open when the collector dies. The restarted collector resumes
	// them (the lifecycle state is in the same storage) and its shutdown
	// ends them; those ends go to the persistent queue, which may or may
	// not send them before it stops (a race of the queue's consumer with
	// its shutdown): either way after everything else, once.
	withEnds := map[string][]mindlytics.Event{}
	for i := range 2 {
		id := fmt.Sprintf("p-genai-%d", i)
		em.genAISession(id, "u-"+id, base.Add(time.Duration(i)*time.Minute))
		w := wantGenAISession(t, id, "u-"+id, base.Add(time.Duration(i)*time.Minute))
		wantBySession[id], withEnds[id] = w[:len(w)-2], w
	}
	for _, evs := range wantBySession {
		want = append(want, evs...)
	}
	em.flush(t)

	ctx := testkit.Context(t, 60*time.Second)
	require.Eventually(t, func() bool {
		for _, r := range srv.Requests() {
			if r.Status == 503 && r.Events == len(want) {
				return true
			}
		}
		return ctx.Err() != nil
	}, 60*time.Second, 20*time.Millisecond, "the collector never tried to send all %d events", len(want))
	require.NoError(t, ctx.Err())

	// Now the service is down for good: connections drop.
	srv.ClearFaults()
	srv.Down(time.Hour)
	seen := len(srv.Requests())
	require.Eventually(t, func() bool { return len(srv.Requests()) > seen }, 30*time.Second, 20*time.Millisecond,
		"the collector keeps retrying")
	col.kill()
	require.Empty(t, srv.Events())

	// Restart on the same queue directory while the service is still down,
	// then bring the service back.
	col = startCollector(t, spec)
	seen = len(srv.Requests())
	require.Eventually(t, func() bool { return len(srv.Requests()) > seen }, 30*time.Second, 20*time.Millisecond,
		"the restarted collector resumes sending what it had queued")
	srv.Down(0)
	_, err := srv.WaitForEvents(testkit.Context(t, 60*time.Second), len(want))
	require.NoError(t, err)
	col.stop()

	ends := 0
	for id, w := range wantBySession {
		got := srv.SessionEvents(id)
		if we, ok := withEnds[id]; ok && len(got) == len(we) {
			w, ends = we, ends+2
		}
		requireEvents(t, w, got, "session %s", id)
	}
	assert.Len(t, srv.Events(), len(want)+ends, "every event arrived once")
	assert.Empty(t, srv.Violations())
}

// TestPersistentQueuePartitionedSurvivesKill is TestPersistentQueueSurvivesKill
// with batches sent as several session partitions side by side
// (requests_in_flight) in many small requests, against a service that
// refuses half of them: some partitions land, others wait for a retry when
// the collector is killed. After the restart every event arrives, each
// session's in order; what landed before the kill may come again (the
// documented at least once), but only as a repeat of what the session
// already had, never out of order.
func TestPersistentQueuePartitionedSurvivesKill(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	spec := collectorSpec{
		name:   "persistent-partitioned",
		config: "persistent.yaml",
		env:    append(mindlyticsEnv(srv), "MINDLYTICS_QUEUE_DIR="+t.TempDir()),
		sets: []string{
			"exporters.mindlytics.retry_on_failure.initial_interval=100ms",
			"exporters.mindlytics.retry_on_failure.max_interval=500ms",
			"exporters.mindlytics.requests_in_flight=4",
			"exporters.mindlytics.max_request_events=5",
		},
	}
	srv.FailRandomly(0.5, 503, 7)
	col := startCollector(t, spec)
	em := newEmitter(t, col.http)
	want := map[string][]mindlytics.Event{}
	total := 0
	for i := range 40 {
		id := fmt.Sprintf("pp-%02d", i)
		at := base.Add(time.Duration(i) * time.Minute)
		em.conventionSession(id, "u-"+id, at)
		want[id] = wantConventionSession(t, id, "u-"+id, at)
		total += len(want[id])
	}
	em.flush(t)

	// Wait until some events landed and some were refused: the kill then
	// comes with partitions both delivered and pending.
	require.Eventually(t, func() bool {
		refused := false
		for _, r := range srv.Requests() {
			refused = refused || r.Status == 503
		}
		return refused && len(srv.Events()) > 0
	}, 60*time.Second, 5*time.Millisecond, "the collector never got part of its events through")
	srv.ClearFaults()
	srv.Down(time.Hour)
	col.kill()
	time.Sleep(200 * time.Millisecond) // requests the service was still handling land
	landed := len(srv.Events())

	col = startCollector(t, spec)
	srv.Down(0)
	require.Eventually(t, func() bool {
		for id, w := range want {
			if len(firstOccurrences(t, srv.SessionEvents(id))) < len(w) {
				return false
			}
		}
		return true
	}, 60*time.Second, 20*time.Millisecond, "not every event arrived after the restart")
	col.stop()

	for id, w := range want {
		requireEvents(t, w, firstOccurrences(t, srv.SessionEvents(id)), "session %s: every event, in order", id)
	}
	got := len(srv.Events())
	t.Logf("%d events, %d landed before the kill, %d arrived in all (%d repeats)", total, landed, got, got-total)
	assert.LessOrEqual(t, got-total, landed, "only what landed before the kill comes again")
	// The loopback service flags a repeat as a second start or an event
	// earlier than the one before: allowed only in a session that got
	// repeats.
	for _, v := range srv.Violations() {
		id, _, _ := strings.Cut(strings.TrimPrefix(v, `session "`), `"`)
		w, ok := want[id]
		if assert.True(t, ok, "violation outside the sessions: %s", v) {
			assert.Greater(t, len(srv.SessionEvents(id)), len(w), "a violation in session %s, which got no repeat: %s", id, v)
		}
	}
}

// firstOccurrences drops the repeats of events a session already had.
func firstOccurrences(t *testing.T, events []mindlytics.Event) []mindlytics.Event {
	t.Helper()
	seen := map[string]bool{}
	var out []mindlytics.Event
	for i, enc := range testkit.EncodeEach(t, events) {
		if !seen[enc] {
			seen[enc] = true
			out = append(out, events[i])
		}
	}
	return out
}
