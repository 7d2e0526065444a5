package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

var bodyModes = []mindlyticstest.BodyMode{
	mindlyticstest.BodyArraysAndObjects,
	mindlyticstest.BodyArraysOnly,
	mindlyticstest.BodyObjectsOnly,
}

// sessionEvents makes perSession track events for each of sessions
// sessions, interleaved; the events at the indexes in bad are invalid at
// the service (a timestamp that is not RFC 3339).
func sessionEvents(t *testing.T, sessions, perSession int, bad map[int]bool) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	for seq := range perSession {
		for s := range sessions {
			ev, err := mindlytics.Track(mindlytics.Identity{SessionID: fmt.Sprintf("s%02d", s)}, "",
				"Step", mindlytics.Properties{"seq": seq})
			require.NoError(t, err)
			b, err := json.Marshal(ev)
			require.NoError(t, err)
			if bad[len(out)] {
				b = bytes.Replace(b, []byte(`"session_id"`), []byte(`"timestamp":"yesterday","session_id"`), 1)
			}
			out = append(out, b)
		}
	}
	return out
}

// deliverInPartitions delivers events as the collector does with
// requests_in_flight: partitions by session key, side by side, through one
// client. It returns the indexes refused.
func deliverInPartitions(t *testing.T, c *mindlytics.Client, events []json.RawMessage, partitions int) []int {
	t.Helper()
	parts := make([][]int, partitions)
	for i, ev := range events {
		p := delivery.EncodedSessionKey(ev) % uint32(partitions)
		parts[p] = append(parts[p], i)
	}
	var mu sync.Mutex
	var refused []int
	var wg sync.WaitGroup
	for _, idx := range parts {
		evs := make([]json.RawMessage, len(idx))
		for k, i := range idx {
			evs[k] = events[i]
		}
		wg.Go(func() {
			settled, err := delivery.Deliver(context.Background(), c, evs, delivery.Limits{MaxEvents: 40, MaxBytes: 64 << 10},
				func(k int, err error) {
					assert.Equal(t, http.StatusBadRequest, delivery.StatusCode(err))
					mu.Lock()
					refused = append(refused, idx[k])
					mu.Unlock()
				})
			assert.NoError(t, err)
			assert.Equal(t, len(evs), settled)
		})
	}
	wg.Wait()
	return refused
}

func TestDeliveryInEachBodyMode(t *testing.T) {
	const sessions, perSession = 12, 25
	bad := map[int]bool{7: true, 150: true, 151: true, 299: true}
	for _, mode := range bodyModes {
		t.Run(mode.String(), func(t *testing.T) {
			srv := mindlyticstest.NewServer(mindlyticstest.WithBodyMode(mode))
			defer srv.Close()
			var logs testkit.SyncBuffer
			c, err := mindlytics.NewClient(append(srv.ClientOptions(),
				mindlytics.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))...)
			require.NoError(t, err)
			defer c.CloseIdleConnections()

			events := sessionEvents(t, sessions, perSession, bad)
			refused := deliverInPartitions(t, c, events, 4)

			// Exact accounting: every event landed once or was refused, and
			// only the bad ones were refused.
			assert.ElementsMatch(t, []int{7, 150, 151, 299}, refused)
			got := srv.Events()
			assert.Len(t, got, len(events)-len(bad), "landed = sent less refused, no double")
			for s := range sessions {
				id := fmt.Sprintf("s%02d", s)
				var seqs []int64
				for _, ev := range srv.SessionEvents(id) {
					n, err := ev.Properties["seq"].(json.Number).Int64()
					require.NoError(t, err)
					seqs = append(seqs, n)
				}
				var want []int64
				for seq := range perSession {
					if !bad[seq*sessions+s] {
						want = append(want, int64(seq))
					}
				}
				assert.Equal(t, want, seqs, "session %s: each event once, in order", id)
			}
			assert.Equal(t, mode == mindlyticstest.BodyObjectsOnly, c.SendsObjects())
			switches := strings.Count(logs.String(), "sending one object per request")
			if mode == mindlyticstest.BodyObjectsOnly {
				assert.Equal(t, 1, switches, "the switch is reported once: %s", logs.String())
			} else {
				assert.Zero(t, switches)
			}
			statuses := map[int]int{}
			for _, r := range srv.Requests() {
				statuses[r.Status]++
			}
			t.Logf("%s: %d events, %d landed, %d refused, %d requests by status %v",
				mode, len(events), len(got), len(refused), len(srv.Requests()), statuses)
		})
	}
}

func TestAPoisonEventAtTheServiceIsIsolatedWithinSeconds(t *testing.T) {
	for _, mode := range bodyModes {
		t.Run(mode.String(), func(t *testing.T) {
			srv := mindlyticstest.NewServer(mindlyticstest.WithBodyMode(mode))
			defer srv.Close()
			srv.AnswerEvents(func(ev mindlytics.Event) int {
				if ev.SessionID == "s03" && fmt.Sprint(ev.Properties["seq"]) == "17" {
					return http.StatusInternalServerError
				}
				return 0
			})
			c, err := mindlytics.NewClient(srv.ClientOptions()...)
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			events := sessionEvents(t, 8, 40, nil)
			poison := 17*8 + 3

			start := time.Now()
			var refused []int
			settled, err := delivery.Deliver(context.Background(), c, events, delivery.Limits{MaxEvents: 100, MaxBytes: 64 << 10},
				func(i int, err error) {
					refused = append(refused, i)
					assert.Equal(t, http.StatusInternalServerError, delivery.StatusCode(err))
				})
			took := time.Since(start)
			require.NoError(t, err)
			assert.Equal(t, len(events), settled)
			assert.Equal(t, []int{poison}, refused, "the poison event is reported")
			assert.Len(t, srv.Events(), len(events)-1, "its neighbours land")
			assert.Less(t, took, 10*time.Second, "the lane moves on within seconds")
			t.Logf("%s: a poison event among %d: %d requests, the lane moved on after %v",
				mode, len(events), len(srv.Requests()), took.Round(time.Millisecond))
		})
	}
}
