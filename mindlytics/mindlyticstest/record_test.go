package mindlyticstest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestSessionEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.postEvents(startSession(t, "a", 0), startSession(t, "b", 0), track(t, "a", 1, "A1"), track(t, "b", 1, "B1"))
	h.postEvents(track(t, "a", 2, "A2"))

	a := h.srv.SessionEvents("a")
	require.Len(t, a, 3)
	assert.Equal(t, []string{"", "A1", "A2"}, []string{a[0].Event, a[1].Event, a[2].Event})
	assert.Len(t, h.srv.SessionEvents("b"), 2)
	assert.Empty(t, h.srv.SessionEvents("c"))
}

func TestWaitForEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 4 {
			ev := track(t, "s", i, "E")
			time.Sleep(10 * time.Millisecond)
			status, err := h.tryPost(ev)
			assert.NoError(t, err)
			assert.Equal(t, 200, status)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := h.srv.WaitForEvents(ctx, 3)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(got), 3)
	wg.Wait()

	// Already there: returns at once.
	got, err = h.srv.WaitForEvents(context.Background(), 4)
	require.NoError(t, err)
	assert.Len(t, got, 4)

	// Never there: what there is, and the context's error.
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	got, err = h.srv.WaitForEvents(short, 5)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, got, 4)

	// WaitFor a condition.
	end := endSession(t, "s", 9)
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(10 * time.Millisecond)
		_, err := h.tryPost(end)
		assert.NoError(t, err)
	}()
	got, err = h.srv.WaitFor(ctx, func(events []mindlytics.Event) bool {
		return len(events) > 0 && events[len(events)-1].Type == mindlytics.TypeEndSession
	})
	require.NoError(t, err)
	assert.Len(t, got, 5)
	wg.Wait()
}

func TestViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		events func(t *testing.T) []mindlytics.Event
		want   []string
	}{
		{"clean session", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), convStarted(t, "s", "c", 1), turn(t, "s", "c", 2),
				convEnded(t, "s", "c", 3), track(t, "s", 3, "After"), endSession(t, "s", 4)}
		}, nil},
		{"conversation left to the session's end", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), convStarted(t, "s", "c", 1), endSession(t, "s", 2)}
		}, nil},
		{"event before the start", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{track(t, "s", 0, "Early"), startSession(t, "s", 1)}
		}, []string{`session "s": track:Early at 2025-03-01T12:00:00.000000Z: before the session's start_session`}},
		{"started twice", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), startSession(t, "s", 1)}
		}, []string{`session "s": start_session at 2025-03-01T12:00:01.000000Z: the session was started already`}},
		{"event after the end", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), endSession(t, "s", 1), track(t, "s", 2, "Late")}
		}, []string{`session "s": track:Late at 2025-03-01T12:00:02.000000Z: after the session's end_session`}},
		{"turn before its conversation", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), turn(t, "s", "c", 1), convStarted(t, "s", "c", 2)}
		}, []string{`session "s": track:Conversation Turn at 2025-03-01T12:00:01.000000Z: before conversation "c"'s Conversation Started`}},
		{"turn after its conversation", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), convStarted(t, "s", "c", 1), convEnded(t, "s", "c", 2), turn(t, "s", "c", 3)}
		}, []string{`session "s": track:Conversation Turn at 2025-03-01T12:00:03.000000Z: after conversation "c"'s Conversation Ended`}},
		{"conversation started twice", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), convStarted(t, "s", "c", 1), convStarted(t, "s", "c", 2)}
		}, []string{`session "s": track:Conversation Started at 2025-03-01T12:00:02.000000Z: conversation "c" was started already`}},
		{"time going backwards", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "s", 0), track(t, "s", 5, "A"), track(t, "s", 3, "B"), track(t, "s", 5, "C")}
		}, []string{`session "s": track:B at 2025-03-01T12:00:03.000000Z: earlier than the session's previous event (2025-03-01T12:00:05.000000Z)`}},
		{"sessions are independent", func(t *testing.T) []mindlytics.Event {
			return []mindlytics.Event{startSession(t, "a", 5), startSession(t, "b", 0), endSession(t, "b", 1), endSession(t, "a", 6)}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.postEvents(tt.events(t)...)
			assert.Equal(t, tt.want, h.srv.Violations())
		})
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	key := h.liveKey("")
	h.postEvents(startSession(t, "s", 0), track(t, "x", 1, "Orphan"),
		testkit.Must[mindlytics.Event](t)(mindlytics.Identify(id("s", 2), "u1", "", nil)))
	h.srv.FailNext(500)
	h.srv.SetLatency(time.Hour)
	require.NotEmpty(t, h.srv.Violations())

	h.srv.Reset()
	assert.Empty(t, h.srv.Events())
	assert.Empty(t, h.srv.Requests())
	assert.Empty(t, h.srv.Violations())
	assert.Empty(t, h.srv.Sessions())
	assert.Empty(t, h.srv.Users())
	var history []mindlytics.LiveEvent
	h.get("/bc/v1/live-events/events?start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z").decode(t, &history)
	assert.Empty(t, history)

	// Faults are cleared, live keys kept.
	h.postEvents(startSession(t, "s", 0))
	h.subscribe(key)
	assert.Empty(t, h.srv.Violations(), "the session's state was forgotten with it")
}
