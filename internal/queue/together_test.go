package queue

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// enqueueRound enqueues one event of each of sessions sessions, with seq.
func enqueueRound(t *testing.T, q *testQueue, sessions, seq int) {
	t.Helper()
	for s := range sessions {
		require.True(t, q.Enqueue(compact.Of(trackEvent(t, fmt.Sprintf("s%02d", s), seq))))
	}
}

// requireSessionsInOrder checks that every session's accepted events are
// seq 0..n-1, each once, in order.
func requireSessionsInOrder(t *testing.T, accepted []mindlytics.Event, sessions, n int) {
	t.Helper()
	got := map[string][]int{}
	for _, ev := range accepted {
		got[ev.SessionID] = append(got[ev.SessionID], seqOf(t, ev))
	}
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	require.Len(t, got, sessions)
	for id, seqs := range got {
		require.Equal(t, want, seqs, "session %s", id)
	}
}

func TestFlushOfALightQueueIsOneRequest(t *testing.T) {
	const sessions = 12
	f := &fakeSender{}
	q := newTestQueue(t, f, WithConcurrency(4), WithFlushInterval(time.Hour))
	for round := range 3 {
		for seq := range 5 {
			enqueueRound(t, q, sessions, round*5+seq)
		}
		flush(t, q)
		assert.Equal(t, []int{5 * sessions}, f.BatchSizes()[round:], "flush %d: one request for every lane", round)
	}
	requireSessionsInOrder(t, f.Accepted(), sessions, 15)
	s := requireBalanced(t, q)
	assert.Equal(t, int64(3), s.Batches)
}

func TestFlushOfAHeavyQueueIsARequestPerLane(t *testing.T) {
	const sessions = 12
	f := &fakeSender{}
	q := newTestQueue(t, f, WithConcurrency(4), WithFlushInterval(time.Hour), WithMaxRequestEvents(20))
	for seq := range 3 { // 36 events: more than one request holds
		enqueueRound(t, q, sessions, seq)
	}
	flush(t, q)
	assert.Greater(t, len(f.BatchSizes()), 1)
	requireSessionsInOrder(t, f.Accepted(), sessions, 3)
	requireBalanced(t, q)
}

// While a shared request is in flight its lanes cut nothing: what comes
// meanwhile goes after it, so each session keeps its order, and Shutdown
// waits for it.
func TestLanesWaitForTheSharedRequest(t *testing.T) {
	const sessions = 8
	f := &fakeSender{gate: make(chan struct{})}
	q, err := startQueue(f, WithConcurrency(4), WithFlushInterval(50*time.Millisecond))
	require.NoError(t, err)
	enqueueRound(t, q, sessions, 0)
	enqueueRound(t, q, sessions, 1)
	targets := make([]int64, len(q.lanes))
	require.True(t, q.flushTogether(targets), "the lanes hold everything: one request takes it")
	for seq := 2; seq < 6; seq++ {
		enqueueRound(t, q, sessions, seq)
	}
	time.Sleep(150 * time.Millisecond) // past the flush interval: the lanes must not send
	assert.Empty(t, f.Calls(), "nothing sent while the shared request waits")
	shut := make(chan error, 1)
	go func() { shut <- q.Shutdown(context.Background()) }()
	close(f.gate)
	require.NoError(t, <-shut)
	assert.Equal(t, 2*sessions, f.BatchSizes()[0], "the shared request went first")
	requireSessionsInOrder(t, f.Accepted(), sessions, 6)
	requireBalanced(t, q)
}
