package collector

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
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
