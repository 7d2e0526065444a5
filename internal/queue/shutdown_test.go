package queue

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestShutdownDrains(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := &fakeSender{}
	q, err := startQueue(f, WithFlushInterval(time.Hour))
	require.NoError(t, err)
	for i := range 1000 {
		require.True(t, q.Enqueue(compact.Of(trackEvent(t, fmt.Sprintf("s%d", i%10), i))))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, q.Shutdown(ctx))
	s := requireBalanced(t, q)
	assert.Equal(t, int64(1000), s.Sent)
	assert.Len(t, f.Accepted(), 1000)

	// After Shutdown: refused at once, counted, reported; Shutdown again is
	// a no-op.
	assert.False(t, q.Enqueue(compact.Of(trackEvent(t, "late", 0))))
	assert.Equal(t, int64(1), q.Stats().Dropped)
	requireBalanced(t, q)
	errs := q.Errors()
	require.Len(t, errs, 1)
	assert.Equal(t, KindDropped, errs[0].Kind)
	assert.Equal(t, "queue shut down", errs[0].Message)
	assert.Equal(t, "late", errs[0].SessionID)
	require.NoError(t, q.Shutdown(ctx))
	// Flush tells the drop once: the next Flush has nothing new to tell.
	require.ErrorIs(t, q.Flush(ctx), ErrLost)
	require.NoError(t, q.Flush(ctx))
}

func TestShutdownRetriesUntilTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := &fakeSender{script: func(n int, _ []mindlytics.Event) error {
		if n < 3 {
			return &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable}
		}
		return nil
	}}
	q, err := startQueue(f, WithConcurrency(1), WithRetry(50*time.Millisecond, 50*time.Millisecond, time.Minute))
	require.NoError(t, err)
	q.Enqueue(compact.Of(trackEvent(t, "s", 0)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, q.Shutdown(ctx))
	assert.Equal(t, int64(1), q.Stats().Sent, "Shutdown does not drop what is still retrying")
}

func TestShutdownDeadline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sender *fakeSender
	}{
		{"while retrying", &fakeSender{script: func(int, []mindlytics.Event) error {
			return &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable}
		}}},
		{"while a request hangs", &fakeSender{gate: make(chan struct{})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			var (
				mu      sync.Mutex
				handled []Error
			)
			q, err := startQueue(tc.sender, WithConcurrency(2), WithMaxRequestEvents(10),
				WithRetry(20*time.Millisecond, 40*time.Millisecond, time.Hour),
				WithErrorHandler(func(e Error) { mu.Lock(); handled = append(handled, e); mu.Unlock() }))
			require.NoError(t, err)
			for i := range 200 {
				q.Enqueue(compact.Of(trackEvent(t, fmt.Sprintf("s%d", i%7), i)))
			}
			start := time.Now() // before the deadline's clock starts
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			err = q.Shutdown(ctx)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
			s := requireBalanced(t, q)
			assert.Equal(t, int64(200), s.Dropped, "what the deadline cut off counts as dropped")
			failed := 0
			for _, e := range q.Errors() {
				require.Equal(t, KindShutdown, e.Kind)
				require.ErrorIs(t, e, errShutdownDeadline)
				failed += e.Events
			}
			assert.Equal(t, 200, failed, "every event is reported, none silently lost")
			mu.Lock()
			defer mu.Unlock()
			assert.ElementsMatch(t, q.Errors(), handled)
		})
	}
}

func TestShutdownIsSafeConcurrently(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := &fakeSender{}
	q, err := startQueue(f)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			ev := mindlytics.Event{Type: mindlytics.TypeTrack, Event: "step", SessionID: fmt.Sprintf("s%d", i%13)}
			if !q.Enqueue(compact.Of(ev)) && q.closed.Load() {
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- q.Shutdown(ctx) }()
	}
	for range 3 {
		require.NoError(t, <-errs)
	}
	<-done
	s := requireBalanced(t, q)
	assert.Equal(t, s.Sent, int64(len(f.Accepted())))
}
