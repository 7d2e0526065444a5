package queue

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestQueueFull(t *testing.T) {
	pad := strings.Repeat("p", 900)
	for _, tc := range []struct {
		name    string
		opts    []Option
		padding string
		message string
	}{
		{"by events", []Option{WithMaxQueueEvents(100)}, "", "100 events"},
		{"by bytes", []Option{WithMaxRequestBytes(4 << 10), WithMaxQueueBytes(100 << 10)}, pad, "102400 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The sender holds every request: nothing leaves the queue until
			// the gate opens, so Enqueue only returns if it never waits.
			f := &fakeSender{gate: make(chan struct{})}
			opts := append([]Option{WithMaxRequestEvents(50), WithFlushInterval(time.Millisecond)}, tc.opts...)
			q := newTestQueue(t, f, opts...)
			accepted := 0
			for i := range 300 {
				ev := trackEvent(t, "s", i)
				if tc.padding != "" {
					ev.Properties["pad"] = tc.padding
				}
				if q.Enqueue(compact.Of(ev)) {
					accepted++
				}
			}
			assert.Less(t, accepted, 300)
			assert.Positive(t, accepted)
			s := q.Stats()
			assert.Equal(t, int64(300-accepted), s.Dropped)
			assert.Equal(t, int64(accepted), s.Pending)

			close(f.gate)
			flush(t, q)
			s = requireBalanced(t, q)
			assert.Equal(t, int64(accepted), s.Sent)

			// Drops are reported together, not one Error each.
			dropped := 0
			for _, e := range q.Errors() {
				require.Equal(t, KindDropped, e.Kind)
				assert.Contains(t, e.Message, tc.message)
				assert.Equal(t, "s", e.SessionID)
				dropped += e.Events
			}
			assert.Equal(t, 300-accepted, dropped)
			assert.LessOrEqual(t, len(q.Errors()), 3)
			// Sent events are the first ones: the newest were dropped.
			for i, ev := range f.Accepted() {
				require.Equal(t, i, seqOf(t, ev))
			}
		})
	}
}

func TestEnqueueInvalid(t *testing.T) {
	q := newTestQueue(t, &fakeSender{}, WithMaxRequestBytes(MinBatchBytes))
	nan := trackEvent(t, "s1", 0)
	nan.Properties["x"] = math.NaN()
	assert.False(t, q.Enqueue(compact.Of(nan)), "an event JSON cannot encode is refused")
	big := trackEvent(t, "s2", 0)
	big.Properties["x"] = strings.Repeat("b", MinBatchBytes)
	assert.False(t, q.Enqueue(compact.Of(big)), "an event larger than a batch is refused")
	flush(t, q)
	s := requireBalanced(t, q)
	assert.Equal(t, int64(2), s.Dropped)
	errs := q.Errors()
	require.Len(t, errs, 2)
	for _, e := range errs {
		assert.Equal(t, KindInvalid, e.Kind)
		assert.Equal(t, 1, e.Events)
	}
	bySession := map[string]Error{errs[0].SessionID: errs[0], errs[1].SessionID: errs[1]}
	assert.Contains(t, bySession["s1"].Message, "encoding event")
	assert.Error(t, bySession["s1"].Err)
	assert.Contains(t, bySession["s2"].Message, "more than a batch may hold")
}

func TestDropReportsAreAggregated(t *testing.T) {
	f := &fakeSender{gate: make(chan struct{})}
	var handled []Error
	q := newTestQueue(t, f, WithMaxQueueEvents(100), WithMaxRequestEvents(100),
		WithErrorHandler(func(e Error) { handled = append(handled, e) }))
	for i := range 10_100 {
		q.Enqueue(compact.Of(trackEvent(t, "s", i)))
	}
	close(f.gate)
	flush(t, q)
	assert.Equal(t, int64(10_000), q.Stats().Dropped)
	total := 0
	for _, e := range handled {
		total += e.Events
	}
	assert.Equal(t, 10_000, total)
	assert.LessOrEqual(t, len(handled), 5, "a flood of drops makes a few errors, not thousands")
}

func TestEnqueueDoesNotKeepTheCallersMaps(t *testing.T) {
	f := &fakeSender{}
	q := newTestQueue(t, f, WithFlushInterval(time.Hour))
	ev := trackEvent(t, "s", 0)
	require.True(t, q.Enqueue(compact.Of(ev)))
	ev.Properties["seq"] = 99 // changed after Enqueue
	flush(t, q)
	got := f.Accepted()
	require.Len(t, got, 1)
	assert.Equal(t, 0, seqOf(t, got[0]))
	assert.Equal(t, mindlytics.TypeTrack, got[0].Type)
}
