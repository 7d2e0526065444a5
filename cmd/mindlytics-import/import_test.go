package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// TestAFailedBatchIsNamedWithItsRecords: the service fails every request
// holding an event of s5 (line 5, in the third batch: lines 4-7). The
// message names that batch; everything before it was delivered, nothing
// after it was sent. With --batch 1 the record alone is named.
func TestAFailedBatchIsNamedWithItsRecords(t *testing.T) {
	var ls [][]byte
	for i := 1; i <= 10; i++ {
		ls = append(ls, turnLine(t, fmt.Sprintf("s%d", i), time.Duration(i)*time.Minute))
	}
	for _, tc := range []struct {
		batch                   string
		named                   string
		deliveredUpTo, sentUpTo int // sessions 1..deliveredUpTo have all their events, none after sentUpTo has any
	}{
		{"2048", ":4-7: not delivered: ", 3, 7},
		{"1", ":5: not delivered: ", 4, 5},
	} {
		t.Run("batch="+tc.batch, func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			srv.AnswerEvents(func(ev mindlytics.Event) int {
				if ev.SessionID == "s5" {
					return 403
				}
				return 0
			})
			path := writeFile(t, "traces.json", lines(ls...))

			r := runImport(t, srv, "--batch", tc.batch, path)

			assert.Equal(t, exitIncomplete, r.code)
			assert.Contains(t, r.stderr, path+tc.named)
			if tc.batch == "1" {
				assert.Contains(t, r.stderr, "nothing after it was imported")
			} else {
				assert.Contains(t, r.stderr, "these 4 records went to the exporter together: those before "+path+":4 were delivered in full, some events of these may have been, and nothing after them was imported")
			}
			assert.Contains(t, r.stdout, "NOT everything was delivered")
			for i := 1; i <= 10; i++ {
				s := fmt.Sprintf("s%d", i)
				got := srv.SessionEvents(s)
				switch {
				case i <= tc.deliveredUpTo:
					// The start and the turn; the ends come at the close.
					assert.GreaterOrEqual(t, len(got), 3, s)
					assert.Equal(t, "Conversation Turn", got[2].Event, s)
				case i > tc.sentUpTo:
					assert.Empty(t, got, s)
				}
			}
		})
	}
}

// TestInterruptSendsNothingMore: an import whose context has ended hands
// the exporter nothing more and says so; the reader goroutine stops
// (goleak, TestMain).
func TestInterruptSendsNothingMore(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0), turnLine(t, "s2", time.Minute)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := map[string]string{"MLSDK_API_KEY": srv.APIKey, "MLSDK_PROJECT_ID": srv.ProjectID, "MLSDK_SERVER_BASE": srv.URL}
	var stdout, stderr bytes.Buffer

	code := run(ctx, []string{path}, func(k string) string { return env[k] }, &stdout, &stderr, false)

	t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	assert.Equal(t, exitIncomplete, code)
	assert.Contains(t, stderr.String(), "interrupted: nothing was imported")
	assert.Contains(t, stderr.String(), "not imported: "+path)
	assert.Empty(t, srv.Events())
}

// TestRefusedEventsAreNamedWithTheirBatch: the service refuses s5's turn
// (line 5, in the batch of lines 4-7) for good; the rest lands, and the
// batch's records and the event's session are named.
func TestRefusedEventsAreNamedWithTheirBatch(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.AnswerEvents(func(ev mindlytics.Event) int {
		if ev.SessionID == "s5" && ev.Event == "Conversation Turn" {
			return 400
		}
		return 0
	})
	var ls [][]byte
	for i := 1; i <= 10; i++ {
		ls = append(ls, turnLine(t, fmt.Sprintf("s%d", i), time.Duration(i)*time.Minute))
	}
	path := writeFile(t, "traces.json", lines(ls...))

	r := runImport(t, srv, path)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, path+":4-7: the service refused 1 event of them")
	assert.Contains(t, r.stderr, `"session_id": "s5"`)
	assert.Len(t, srv.SessionEvents("s5"), 4, "all but the refused turn")
	for i := 1; i <= 10; i++ {
		if i != 5 {
			requireEvents(t, wantTurnSession(t, fmt.Sprintf("s%d", i), time.Duration(i)*time.Minute), srv.SessionEvents(fmt.Sprintf("s%d", i)))
		}
	}
}
