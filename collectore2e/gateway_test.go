package collectore2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestGatewayRoutesEachSessionToOneBackend runs gateway.yaml in front of
// two backend.yaml collectors, each sending to a Mindlytics service of its
// own so that the test sees which backend sent what: each session's events
// all come from one backend, every session is complete, and nothing is
// lost or doubled.
func TestGatewayRoutesEachSessionToOneBackend(t *testing.T) {
	servers := []*mindlyticstest.Server{mindlyticstest.NewServer(), mindlyticstest.NewServer()}
	for _, s := range servers {
		defer s.Close()
	}
	var backends []*collector
	for i, s := range servers {
		backends = append(backends, startCollector(t, collectorSpec{
			name: fmt.Sprintf("backend-%d", i+1), config: "backend.yaml",
			env: append(mindlyticsEnv(s), "MINDLYTICS_QUEUE_DIR="+t.TempDir()),
		}))
	}
	gw := startCollector(t, collectorSpec{
		name:   "gateway",
		config: "gateway.yaml",
		env:    []string{fmt.Sprintf("MINDLYTICS_BACKENDS=[%s, %s]", backends[0].grpc, backends[1].grpc)},
	})

	em := newEmitter(t, gw.http)
	want := map[string][]mindlytics.Event{}
	for i := range 24 {
		id := fmt.Sprintf("gw-session-%02d", i)
		at := base.Add(time.Duration(i) * time.Minute)
		if i%2 == 0 {
			em.conventionSession(id, "u-"+id, at)
			want[id] = wantConventionSession(t, id, "u-"+id, at)
		} else {
			em.genAISession(id, "u-"+id, at)
			want[id] = wantGenAISession(t, id, "u-"+id, at)
		}
	}
	em.flush(t)
	gw.stop() // delivers what the gateway holds to the backends
	for _, b := range backends {
		b.stop() // delivers, and ends the sessions still open
	}

	total := 0
	for id, w := range want {
		total += len(w)
		var owners []int
		for i, s := range servers {
			if evs := s.SessionEvents(id); len(evs) > 0 {
				owners = append(owners, i+1)
				requireEvents(t, w, evs, "session %s via backend %d", id, i+1)
			}
		}
		assert.Len(t, owners, 1, "session %s came from backends %v", id, owners)
	}
	got := 0
	for i, s := range servers {
		n := len(s.Sessions())
		t.Logf("backend %d: %d sessions, %d events, %d requests", i+1, n, len(s.Events()), len(s.Requests()))
		assert.Positive(t, n, "backend %d got no session: the routing does not spread sessions", i+1)
		got += len(s.Events())
		assert.Empty(t, s.Violations())
	}
	assert.Equal(t, total, got, "nothing lost or doubled")
}
