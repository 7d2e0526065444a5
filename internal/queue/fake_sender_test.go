package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// call is one SendBatch the fake saw.
type call struct {
	at     time.Time
	events []mindlytics.Event
	err    error
}

// fakeSender records every request and answers as its script says:
// script gets the 0-based call number and the decoded events and returns
// the error to answer (nil accepts the batch). A nil script accepts all.
type fakeSender struct {
	script func(n int, events []mindlytics.Event) error
	// gate, when set, holds every request until it is closed or the
	// request's context ends.
	gate chan struct{}

	mu    sync.Mutex
	calls []call
}

func (f *fakeSender) SendBatch(ctx context.Context, raws []json.RawMessage) error {
	events := make([]mindlytics.Event, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &events[i]); err != nil {
			return fmt.Errorf("fake: undecodable event %d: %w", i, err)
		}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			f.add(call{at: time.Now(), events: events, err: ctx.Err()})
			return ctx.Err()
		}
	}
	f.mu.Lock()
	n := len(f.calls)
	f.mu.Unlock()
	var err error
	if f.script != nil {
		err = f.script(n, events)
	}
	f.add(call{at: time.Now(), events: events, err: err})
	return err
}

func (f *fakeSender) add(c call) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

func (f *fakeSender) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// Accepted returns the events of the successful requests, in the order the
// requests ended.
func (f *fakeSender) Accepted() []mindlytics.Event {
	var out []mindlytics.Event
	for _, c := range f.Calls() {
		if c.err == nil {
			out = append(out, c.events...)
		}
	}
	return out
}

// BatchSizes returns the sizes of the successful requests.
func (f *fakeSender) BatchSizes() []int {
	var out []int
	for _, c := range f.Calls() {
		if c.err == nil {
			out = append(out, len(c.events))
		}
	}
	return out
}

// trackEvent builds a valid track event of a session carrying its sequence
// number, so tests can check order.
func trackEvent(t testing.TB, session string, seq int) mindlytics.Event {
	t.Helper()
	ev, err := mindlytics.Track(mindlytics.Identity{SessionID: session, UserID: "user-" + session},
		"", "step", mindlytics.Properties{"seq": seq})
	require.NoError(t, err)
	return ev
}

func seqOf(t testing.TB, ev mindlytics.Event) int {
	t.Helper()
	v, ok := ev.Properties["seq"].(float64) // decoded JSON number
	require.True(t, ok, "event without seq: %+v", ev)
	return int(v)
}

// testQueue is a queue whose reported errors a test can read.
type testQueue struct {
	*Queue
	errs *testkit.Recorder[Error]
	// lostSeen is Failed + Dropped at the last flush: the next must say
	// whether more were lost.
	lostSeen int64
}

// Errors returns what the queue reported, in order.
func (q *testQueue) Errors() []Error { return q.errs.All() }

// HasErrors reports whether the queue reported a loss: anything but the
// report of a service that is retried (KindRetrying), which loses nothing.
func (q *testQueue) HasErrors() bool { return hasLosses(q.errs.All()) }

func hasLosses(errs []Error) bool {
	for _, e := range errs {
		if e.Kind != KindRetrying {
			return true
		}
	}
	return false
}

// startQueue starts a queue whose errors are recorded, and still reach the
// handler opts set, if any.
func startQueue(s Sender, opts ...Option) (*testQueue, error) {
	rec := &testkit.Recorder[Error]{}
	user := newConfig(opts).errorHandler
	q, err := New(s, append(opts, WithErrorHandler(func(e Error) {
		rec.Add(e)
		if user != nil {
			user(e)
		}
	}))...)
	if err != nil {
		return nil, err
	}
	return &testQueue{Queue: q, errs: rec}, nil
}

// newTestQueue starts a queue and shuts it down at the end of the test.
func newTestQueue(t *testing.T, s Sender, opts ...Option) *testQueue {
	t.Helper()
	q, err := startQueue(s, opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Shutdown(ctx)
	})
	return q
}

func flush(t *testing.T, q *testQueue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := q.Flush(ctx)
	s := q.Stats()
	if lost := s.Failed + s.Dropped; lost > q.lostSeen {
		require.ErrorIs(t, err, ErrLost, "%d events lost since the last flush", lost-q.lostSeen)
		q.lostSeen = lost
		return
	}
	require.NoError(t, err)
}

// requireBalanced checks that every enqueued event is accounted for.
func requireBalanced(t *testing.T, q *testQueue) Stats {
	t.Helper()
	s := q.Stats()
	require.Equal(t, s.Enqueued, s.Sent+s.Failed+s.Dropped, "stats: %+v", s)
	require.Zero(t, s.Pending, "stats: %+v", s)
	return s
}
