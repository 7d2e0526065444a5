package exporter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestExporterInEachBodyMode: the in-process front door against a service
// that takes arrays only, objects only, or both: every event accounted for
// exactly, each session's events once and in order, the one event the
// service refuses reported.
func TestExporterInEachBodyMode(t *testing.T) {
	const sessions, perSession = 12, 30
	for _, mode := range []mindlyticstest.BodyMode{
		mindlyticstest.BodyArraysOnly, mindlyticstest.BodyArraysAndObjects, mindlyticstest.BodyObjectsOnly,
	} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := mindlyticstest.NewServer(mindlyticstest.WithBodyMode(mode))
			defer srv.Close()
			srv.AnswerEvents(func(ev mindlytics.Event) int {
				if ev.SessionID == "mode-03" && fmt.Sprint(ev.Properties["seq"]) == "7" {
					return http.StatusBadRequest
				}
				return 0
			})
			exp := newExporter(t, srv, exporter.WithRequestsInFlight(4), exporter.WithMaxRequestEvents(50),
				exporter.WithErrorHandler(func(error) {}))
			for s := range sessions {
				require.NoError(t, exp.ExportSpans(context.Background(), seqSpans(fmt.Sprintf("mode-%02d", s), 0, perSession)))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, exp.Shutdown(ctx))

			st := exp.Stats()
			require.Equal(t, st.Enqueued, st.Sent+st.Failed+st.Dropped, "every event accounted for")
			assert.Equal(t, int64(1), st.Failed, "the refused event")
			assert.Zero(t, st.Dropped)
			assert.Equal(t, int(st.Sent), len(srv.Events()), "sent = what the service holds, no double")
			assert.Equal(t, 1, errorCounts(exp)[exporter.ErrorRejected])
			for s := range sessions {
				id := fmt.Sprintf("mode-%02d", s)
				var seqs []int64
				for _, ev := range srv.SessionEvents(id) {
					if ev.Type == mindlytics.TypeTrack {
						n, err := ev.Properties["seq"].(json.Number).Int64()
						require.NoError(t, err)
						seqs = append(seqs, n)
					}
				}
				want := make([]int64, 0, perSession)
				for i := range perSession {
					if s != 3 || i != 7 {
						want = append(want, int64(i))
					}
				}
				assert.Equal(t, want, seqs, "session %s: once each, in order", id)
			}
			t.Logf("%s: %+v, %d requests at the server", mode, st, len(srv.Requests()))
		})
	}
}
