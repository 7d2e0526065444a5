package queue

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewValidatesOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Option
		want string // the option the error must name; "" for valid
	}{
		{"defaults", nil, ""},
		{"batch events 0", WithMaxRequestEvents(0), "WithMaxRequestEvents"},
		{"batch events 1", WithMaxRequestEvents(1), ""},
		{"batch bytes too small", WithMaxRequestBytes(100), "WithMaxRequestBytes"},
		{"batch bytes too large", WithMaxRequestBytes(2 << 20), "WithMaxRequestBytes"},
		{"batch bytes 1 MiB", WithMaxRequestBytes(1 << 20), ""},
		{"flush interval 0", WithFlushInterval(0), "WithFlushInterval"},
		{"queue events below batch", WithMaxQueueEvents(10), "WithMaxQueueEvents"},
		{"queue bytes below batch", WithMaxQueueBytes(1024), "WithMaxQueueBytes"},
		{"concurrency 0", WithConcurrency(0), "WithConcurrency"},
		{"concurrency too high", WithConcurrency(MaxConcurrency + 1), "WithConcurrency"},
		{"retry initial 0", WithRetry(0, time.Second, time.Minute), "WithRetry"},
		{"retry max below initial", WithRetry(time.Second, time.Millisecond, time.Minute), "WithRetry"},
		{"retry elapsed negative", WithRetry(time.Millisecond, time.Second, -1), "WithRetry"},
		{"retry elapsed 0 disables retries", WithRetry(time.Millisecond, time.Second, 0), ""},
		{"request timeout 0", WithRequestTimeout(0), "WithRequestTimeout"},
		{"nil meter provider keeps the default", WithMeterProvider(nil), ""},
		{"nil logger keeps the default", WithLogger(nil), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := New(&fakeSender{}, tc.opt)
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.Nil(t, q)
				return
			}
			require.NoError(t, err)
			require.NoError(t, q.Shutdown(context.Background()))
		})
	}
	t.Run("nil sender", func(t *testing.T) {
		_, err := New(nil)
		require.ErrorContains(t, err, "sender")
	})
}

func TestDefaults(t *testing.T) {
	c := newConfig(nil)
	require.NoError(t, c.validate())
	assert.GreaterOrEqual(t, c.maxBatchEvents, 50, "10,000 events must fit in 200 requests")
	assert.GreaterOrEqual(t, c.maxQueueEvents, 100_000)
	assert.Less(t, c.maxBatchBytes, 1<<20)
	assert.NotNil(t, c.logger)
	assert.NotNil(t, c.meterProvider)
}
