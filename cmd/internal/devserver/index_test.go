package devserver

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func mustEvent(t testing.TB) func(mindlytics.Event, error) mindlytics.Event {
	return func(ev mindlytics.Event, err error) mindlytics.Event {
		t.Helper()
		require.NoError(t, err)
		return ev
	}
}

// A page of 100,000 sessions is bounded: the page's rows, newest first,
// whatever the store holds; the cursor walks on from the last row; search
// and filters narrow the list.
func TestPageOf100000SessionsIsBounded(t *testing.T) {
	ev := mustEvent(t)
	id := mindlytics.Identity{SessionID: "s", UserID: "u", Time: t0}
	// Templates, copied per session: the constructors check every event,
	// which is not what this test measures.
	start, turn, end := ev(mindlytics.StartSession(id, nil)),
		ev(mindlytics.ConversationTurn(id, "c", mindlytics.Turn{User: "q", Assistant: "an answer"})), ev(mindlytics.EndSession(id, nil))
	ix := newIndex()
	const n = 100_000
	for i := range n {
		sid, user, at := fmt.Sprintf("s-%06d", i), fmt.Sprintf("u-%d", i%100), t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano)
		events := []mindlytics.Event{start, turn}
		if i%2 == 0 {
			events = append(events, end)
		}
		for j := range events {
			events[j].SessionID, events[j].UserID, events[j].Timestamp = sid, user, at
		}
		events[1].Properties = mindlytics.Properties{"user": fmt.Sprintf("question %d", i), "assistant": "an answer"}
		ix.add(Entry{Seq: uint64(i + 1), Accepted: t0, Events: events})
	}
	p, err := ix.page(Query{}, n)
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Less(t, len(b), 32<<10, "a page answer does not grow with the store")
	assert.Equal(t, n, p.Total)
	require.Len(t, p.Sessions, defaultPage)
	assert.Equal(t, "s-099999", p.Sessions[0].ID, "newest first")
	assert.Equal(t, 1, p.Sessions[0].Turns)

	next, err := ix.page(Query{Cursor: p.Next, Limit: 2}, n)
	require.NoError(t, err)
	require.Len(t, next.Sessions, 2)
	assert.Equal(t, []string{"s-099949", "s-099948"}, []string{next.Sessions[0].ID, next.Sessions[1].ID}, "on from the last row")

	found, err := ix.page(Query{Text: "QUESTION 4242"}, n)
	require.NoError(t, err)
	require.Len(t, found.Sessions, 11, "4242 and 42420–42429")
	assert.Equal(t, 11, found.Matched)
	found, err = ix.page(Query{Text: "u-7", Filter: "open"}, n)
	require.NoError(t, err)
	assert.Equal(t, 6000, found.Matched, "users u-7 (1,000 sessions, all odd) and u-70…u-79 (half of 10,000 odd), open (odd) sessions only")
	for _, s := range found.Sessions {
		assert.True(t, s.Open)
		assert.NotEmpty(t, s.EndsAt, "an open session says when it ends")
	}

	_, err = ix.page(Query{Cursor: "nonsense"}, n)
	assert.ErrorContains(t, err, "bad cursor")
	_, err = ix.page(Query{Filter: "closed"}, n)
	assert.ErrorContains(t, err, "bad filter")
}
