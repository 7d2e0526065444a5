package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestBatchingByCount(t *testing.T) {
	f := &fakeSender{}
	q := newTestQueue(t, f, WithConcurrency(1), WithMaxRequestEvents(50), WithFlushInterval(time.Hour))
	for i := range 120 {
		require.True(t, q.Enqueue(compact.Of(trackEvent(t, "s1", i))))
	}
	// Two full batches go without a flush; the rest waits for one.
	require.Eventually(t, func() bool { return len(f.BatchSizes()) == 2 }, 10*time.Second, 5*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, []int{50, 50}, f.BatchSizes())
	flush(t, q)
	assert.Equal(t, []int{50, 50, 20}, f.BatchSizes())
	s := requireBalanced(t, q)
	assert.Equal(t, int64(3), s.Batches)
}

func TestBatchingByBytes(t *testing.T) {
	f := &fakeSender{}
	const limit = 2048
	q := newTestQueue(t, f, WithConcurrency(1), WithMaxRequestBytes(limit), WithFlushInterval(time.Hour))
	pad := strings.Repeat("x", 150)
	var sizes []int
	for i := range 40 {
		ev := trackEvent(t, "s1", i)
		ev.Properties["pad"] = pad
		raw, err := json.Marshal(ev)
		require.NoError(t, err)
		sizes = append(sizes, len(raw))
		require.True(t, q.Enqueue(compact.Of(ev)))
	}
	// The first batch is full by bytes long before 100 events.
	require.Eventually(t, func() bool { return len(f.BatchSizes()) >= 1 }, 10*time.Second, 5*time.Millisecond)
	flush(t, q)
	got := 0
	for _, c := range f.Calls() {
		body := 1
		for range c.events {
			body += sizes[got] + 1
			got++
		}
		assert.LessOrEqual(t, body, limit, "request body of %d events", len(c.events))
		assert.Less(t, len(c.events), 40)
	}
	assert.Equal(t, 40, got)
	requireBalanced(t, q)
}

func TestBatchingByInterval(t *testing.T) {
	f := &fakeSender{}
	const interval = 100 * time.Millisecond
	q := newTestQueue(t, f, WithFlushInterval(interval))
	start := time.Now()
	for i := range 3 {
		require.True(t, q.Enqueue(compact.Of(trackEvent(t, "s1", i))))
	}
	require.Eventually(t, func() bool { return len(f.Accepted()) == 3 }, 10*time.Second, 2*time.Millisecond)
	calls := f.Calls()
	require.Len(t, calls, 1, "three events of one session make one batch")
	assert.GreaterOrEqual(t, calls[0].at.Sub(start), interval-10*time.Millisecond, "sent before the interval")
}

func TestOrderPerSessionUnderConcurrency(t *testing.T) {
	const (
		producers = 8
		sessions  = 5 // per producer
		perSess   = 200
	)
	var fails sync.Map
	f := &fakeSender{script: func(n int, events []mindlytics.Event) error {
		// A fifth of the first attempts fail with a retryable error and
		// every request takes a little while, so lanes interleave.
		time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
		key := fmt.Sprintf("%s/%d", events[0].SessionID, int(events[0].Properties["seq"].(float64)))
		if _, seen := fails.LoadOrStore(key, true); !seen && rand.IntN(5) == 0 {
			return &mindlytics.APIError{StatusCode: 503, Message: "busy"}
		}
		return nil
	}}
	q := newTestQueue(t, f, WithMaxRequestEvents(50), WithFlushInterval(5*time.Millisecond),
		WithRetry(time.Millisecond, 5*time.Millisecond, time.Minute))
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range perSess {
				for s := range sessions {
					q.Enqueue(compact.Of(trackEvent(t, fmt.Sprintf("p%d-s%d", p, s), i)))
				}
			}
		})
	}
	wg.Wait()
	flush(t, q)
	s := requireBalanced(t, q)
	require.Equal(t, int64(producers*sessions*perSess), s.Sent)
	next := map[string]int{}
	for _, ev := range f.Accepted() {
		seq := seqOf(t, ev)
		require.Equal(t, next[ev.SessionID], seq, "session %s out of order or doubled", ev.SessionID)
		next[ev.SessionID]++
	}
	require.Len(t, next, producers*sessions)
	assert.Positive(t, s.Retries)
}

func TestFlush(t *testing.T) {
	t.Run("empty queue returns at once", func(t *testing.T) {
		q := newTestQueue(t, &fakeSender{})
		flush(t, q)
	})
	t.Run("waits for retries to succeed", func(t *testing.T) {
		f := &fakeSender{script: func(n int, _ []mindlytics.Event) error {
			if n < 2 {
				return errors.New("connection reset")
			}
			return nil
		}}
		q := newTestQueue(t, f, WithConcurrency(1), WithFlushInterval(time.Hour),
			WithRetry(20*time.Millisecond, 20*time.Millisecond, time.Minute))
		for i := range 10 {
			q.Enqueue(compact.Of(trackEvent(t, "s", i)))
		}
		flush(t, q)
		s := requireBalanced(t, q)
		assert.Equal(t, int64(10), s.Sent)
		assert.Equal(t, int64(2), s.Retries)
	})
	t.Run("returns the context's error when it ends first", func(t *testing.T) {
		f := &fakeSender{gate: make(chan struct{})}
		q := newTestQueue(t, f, WithFlushInterval(time.Hour))
		q.Enqueue(compact.Of(trackEvent(t, "s", 0)))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := q.Flush(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, int64(1), q.Stats().Pending)
		close(f.gate)
		flush(t, q)
		assert.Equal(t, int64(1), q.Stats().Sent)
	})
	t.Run("does not wait for events enqueued later", func(t *testing.T) {
		f := &fakeSender{}
		q := newTestQueue(t, f, WithConcurrency(1), WithFlushInterval(time.Hour))
		q.Enqueue(compact.Of(trackEvent(t, "s", 0)))
		flush(t, q)
		assert.Equal(t, []int{1}, f.BatchSizes())
	})
}
