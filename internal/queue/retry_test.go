package queue

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestRetry(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"transport error", errors.New("dial tcp: connection refused")},
		{"503", &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable, Message: "down"}},
		{"408", &mindlytics.APIError{StatusCode: http.StatusRequestTimeout}},
		{"429 without Retry-After", &mindlytics.APIError{StatusCode: http.StatusTooManyRequests}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const initial = 40 * time.Millisecond
			f := &fakeSender{script: func(n int, _ []mindlytics.Event) error {
				if n < 3 {
					return tc.err
				}
				return nil
			}}
			q := newTestQueue(t, f, WithConcurrency(1), WithRetry(initial, time.Second, time.Minute))
			for i := range 5 {
				q.Enqueue(compact.Of(trackEvent(t, "s", i)))
			}
			flush(t, q)
			s := requireBalanced(t, q)
			assert.Equal(t, int64(5), s.Sent)
			assert.Equal(t, int64(3), s.Retries)
			assert.Equal(t, int64(1), s.Batches)
			calls := f.Calls()
			require.Len(t, calls, 4)
			// Backoff doubles from initial with ±50% jitter: the k-th wait is
			// at least initial·2^k / 2.
			for k := 1; k < len(calls); k++ {
				gap := calls[k].at.Sub(calls[k-1].at)
				assert.GreaterOrEqual(t, gap, initial<<(k-1)/2, "wait before attempt %d", k+1)
			}
			assert.False(t, q.HasErrors())
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	const retryAfter = 300 * time.Millisecond
	f := &fakeSender{script: func(n int, _ []mindlytics.Event) error {
		if n < 2 {
			return &mindlytics.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: retryAfter}
		}
		return nil
	}}
	// A tiny backoff: only Retry-After can explain long waits.
	q := newTestQueue(t, f, WithConcurrency(1), WithRetry(time.Millisecond, 2*time.Millisecond, time.Minute))
	q.Enqueue(compact.Of(trackEvent(t, "s", 0)))
	flush(t, q)
	calls := f.Calls()
	require.Len(t, calls, 3)
	for k := 1; k < len(calls); k++ {
		assert.GreaterOrEqual(t, calls[k].at.Sub(calls[k-1].at), retryAfter, "attempt %d came early", k+1)
	}
	assert.Equal(t, int64(1), q.Stats().Sent)
}

func TestGiveUp(t *testing.T) {
	f := &fakeSender{script: func(int, []mindlytics.Event) error {
		return &mindlytics.APIError{StatusCode: http.StatusBadGateway, Message: "bad gateway"}
	}}
	var handled []Error
	q := newTestQueue(t, f, WithConcurrency(1), WithRetry(10*time.Millisecond, 20*time.Millisecond, 150*time.Millisecond),
		WithErrorHandler(func(e Error) { handled = append(handled, e) }))
	for i := range 4 {
		q.Enqueue(compact.Of(trackEvent(t, "s", i)))
	}
	flush(t, q)
	s := requireBalanced(t, q)
	assert.Equal(t, int64(4), s.Failed)
	assert.Greater(t, len(f.Calls()), 2, "it retried before giving up")
	errs := q.Errors()
	require.Len(t, errs, 1)
	e := errs[0]
	assert.Equal(t, KindGaveUp, e.Kind)
	assert.Equal(t, http.StatusBadGateway, e.StatusCode)
	assert.Equal(t, 4, e.Events)
	assert.Equal(t, "s", e.SessionID)
	assert.Equal(t, "track:step", e.EventKind)
	assert.Contains(t, e.Error(), "gave up")
	var apiErr *mindlytics.APIError
	assert.ErrorAs(t, e, &apiErr)
	assert.Equal(t, errs, handled)
}

func TestPermanentErrors(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := &fakeSender{script: func(int, []mindlytics.Event) error {
				return &mindlytics.APIError{StatusCode: status, Message: "no"}
			}}
			q := newTestQueue(t, f, WithConcurrency(1))
			for i := range 7 {
				q.Enqueue(compact.Of(trackEvent(t, "s", i)))
			}
			flush(t, q)
			s := requireBalanced(t, q)
			assert.Equal(t, int64(7), s.Failed)
			assert.Len(t, f.Calls(), 1, "a permanent error is not retried or split")
			errs := q.Errors()
			require.Len(t, errs, 1)
			assert.Equal(t, KindRejected, errs[0].Kind)
			assert.Equal(t, status, errs[0].StatusCode)
			assert.Equal(t, "no", errs[0].Message)
			assert.Equal(t, 7, errs[0].Events)
		})
	}
}

func TestBadRequestSplitIsolatesBadEvents(t *testing.T) {
	bad := map[int]bool{17: true, 60: true, 61: true}
	f := &fakeSender{script: func(_ int, events []mindlytics.Event) error {
		for _, ev := range events {
			if seq := int(ev.Properties["seq"].(float64)); bad[seq] {
				return &mindlytics.APIError{StatusCode: http.StatusBadRequest, Message: fmt.Sprintf("invalid event %d", seq)}
			}
		}
		return nil
	}}
	q := newTestQueue(t, f, WithConcurrency(1), WithFlushInterval(time.Hour))
	for i := range 100 {
		q.Enqueue(compact.Of(trackEvent(t, "s", i)))
	}
	flush(t, q)
	s := requireBalanced(t, q)
	assert.Equal(t, int64(97), s.Sent)
	assert.Equal(t, int64(3), s.Failed)

	var seqs []int
	for _, ev := range f.Accepted() {
		seqs = append(seqs, seqOf(t, ev))
	}
	var want []int
	for i := range 100 {
		if !bad[i] {
			want = append(want, i)
		}
	}
	assert.Equal(t, want, seqs, "good events land once each, in order")
	// Halving isolates each bad event in about 2·log2(100) requests.
	assert.LessOrEqual(t, len(f.Calls()), 1+3*2*7)

	errs := q.Errors()
	require.Len(t, errs, 3)
	for i, seq := range []int{17, 60, 61} {
		assert.Equal(t, KindRejected, errs[i].Kind)
		assert.Equal(t, http.StatusBadRequest, errs[i].StatusCode)
		assert.Equal(t, fmt.Sprintf("invalid event %d", seq), errs[i].Message)
		assert.Equal(t, 1, errs[i].Events)
		assert.Equal(t, "s", errs[i].SessionID)
		assert.Equal(t, "track:step", errs[i].EventKind)
	}
}

func TestRetriesDuringSplit(t *testing.T) {
	// A half that meets a retryable error is retried, not split or lost.
	// Requests: [0 1 2 3] 400, [0 1] 400, [0] 400, [1] 503, [1] ok, [2 3] ok.
	f := &fakeSender{script: func(n int, events []mindlytics.Event) error {
		if n == 3 {
			return &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable}
		}
		if seqOf(t, events[0]) == 0 {
			return &mindlytics.APIError{StatusCode: http.StatusBadRequest, Message: "bad"}
		}
		return nil
	}}
	q := newTestQueue(t, f, WithConcurrency(1), WithFlushInterval(time.Hour),
		WithRetry(time.Millisecond, time.Millisecond, time.Minute))
	for i := range 4 {
		q.Enqueue(compact.Of(trackEvent(t, "s", i)))
	}
	flush(t, q)
	s := requireBalanced(t, q)
	assert.Equal(t, int64(3), s.Sent)
	assert.Equal(t, int64(1), s.Failed)
	assert.Equal(t, int64(1), s.Retries)
	var seqs []int
	for _, ev := range f.Accepted() {
		seqs = append(seqs, seqOf(t, ev))
	}
	assert.Equal(t, []int{1, 2, 3}, seqs)
}
