package queue

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestRetryAfterBeyondTheBudget: a Retry-After longer than what is left of
// the retry budget gives up at once, whatever its size (a huge one used to
// overflow the elapsed check and stall the lane for good), and the report
// says what happened instead of claiming minutes of retries.
func TestRetryAfterBeyondTheBudget(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter time.Duration
		want       string
	}{
		{"600s", 600 * time.Second, "the service asked to wait 10m0s"},
		{"9223372037s", time.Duration(math.MaxInt64), "the service asked to wait"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeSender{script: func(int, []mindlytics.Event) error {
				return &mindlytics.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: tc.retryAfter}
			}}
			q := newTestQueue(t, f, WithConcurrency(1))
			q.Enqueue(compact.Of(trackEvent(t, "s", 0)))
			start := time.Now()
			flush(t, q)
			assert.Less(t, time.Since(start), 5*time.Second, "the lane stalled")
			s := requireBalanced(t, q)
			assert.Equal(t, int64(1), s.Failed)
			assert.Len(t, f.Calls(), 1)
			errs := q.Errors()
			require.Len(t, errs, 1)
			assert.Equal(t, KindGaveUp, errs[0].Kind)
			assert.Contains(t, errs[0].Message, tc.want)
			assert.Contains(t, errs[0].Message, "more than the retry budget left")
			assert.NotContains(t, errs[0].Message, "after retrying for")
		})
	}
}
