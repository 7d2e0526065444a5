package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// encodedRequest encodes the events into pooled memory, as enqueue does,
// and returns the request that holds it.
func encodedRequest(events ...json.RawMessage) *eventsRequest {
	eb := encodedBuffers.Get(0)
	encoded := make([]json.RawMessage, 0, len(events))
	for _, ev := range events {
		start := len(*eb)
		*eb = append(*eb, ev...)
		encoded = append(encoded, json.RawMessage((*eb)[start:len(*eb):len(*eb)]))
	}
	r := newEventsRequest(encoded)
	r.buf = eb
	return r
}

// scribble takes encoding buffers from the pool and overwrites all their
// room, as the next batches' encoding would.
func scribble() {
	for range 64 {
		eb := encodedBuffers.Get(0)
		b := (*eb)[:cap(*eb)]
		for i := range b {
			b[i] = 'x'
		}
		encodedBuffers.Put(eb)
	}
}

// TestEncodingMemoryIsReusedOnlyAfterDelivery: a request gives its
// encoding memory back when all its events went out, never while a retry
// still reads it.
func TestEncodingMemoryIsReusedOnlyAfterDelivery(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	req := encodedRequest(track(t, "s1", "a", t0), refusedEvent, track(t, "s1", "b", t0.Add(time.Second)), track(t, "s1", "c", t0.Add(2*time.Second)))
	// Calls: [a ✗ b c] 400, [a ✗] 400, [a] ok, [✗] 400, then [b c] fails.
	sender := &faultySender{next: c.client, failAt: map[int]error{5: errors.New("connection reset")}}
	err := c.pushWith(context.Background(), sender, req)
	require.Error(t, err)
	require.NotNil(t, req.buf, "a request partly delivered keeps its memory")

	retry := req.OnError(err).(*eventsRequest)
	assert.Nil(t, retry.buf, "the retry reads the memory without owning it")
	scribble() // later batches encode while the retry waits
	require.NoError(t, c.push(context.Background(), retry))
	assert.Equal(t, []string{"a", "b", "c"}, names(srv.Events()), "the retry's events are intact")

	whole := encodedRequest(track(t, "s2", "d", t0), track(t, "s2", "e", t0.Add(time.Second)))
	require.NoError(t, c.push(context.Background(), whole))
	assert.Nil(t, whole.buf, "a delivered request gives its memory back")
	assert.Zero(t, whole.ItemsCount(), "and keeps no events that point into it")
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, names(srv.Events()))
}

// TestEncodingMemoryOfMergedRequests: requests the queue's batcher merges
// and splits point into the memory of the requests they came from, which
// are then never pushed, so nothing is given back while they are sent.
func TestEncodingMemoryOfMergedRequests(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	var want []string
	var reqs []*eventsRequest
	for i := range 4 {
		var events []json.RawMessage
		for j := range 3 {
			name := fmt.Sprintf("r%d-%d", i, j)
			events = append(events, track(t, fmt.Sprintf("s%d", i), name, t0.Add(time.Duration(j)*time.Second)))
			want = append(want, name)
		}
		reqs = append(reqs, encodedRequest(events...))
	}
	merged, err := reqs[0].MergeSplit(context.Background(), 5, exporterhelper.RequestSizerTypeItems, reqs[1])
	require.NoError(t, err)
	more, err := reqs[2].MergeSplit(context.Background(), 0, exporterhelper.RequestSizerTypeItems, reqs[3])
	require.NoError(t, err)
	for _, r := range append(merged, more...) {
		require.Nil(t, r.(*eventsRequest).buf)
		require.NoError(t, c.push(context.Background(), r))
		scribble()
	}
	assert.Equal(t, want, names(srv.Events()))
}
