package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// refusedEvent is valid JSON the service refuses: a track event without a
// name.
var refusedEvent = json.RawMessage(`{"type":"track","session_id":"s1","timestamp":"2025-03-01T12:00:00.500000Z"}`)

func TestPushSendsEventsInOrder(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	req := newEventsRequest([]json.RawMessage{
		track(t, "s1", "a", t0), track(t, "s1", "b", t0.Add(time.Second)), track(t, "s2", "c", t0),
	})
	require.NoError(t, c.push(context.Background(), req))

	assert.Equal(t, []string{"a", "b", "c"}, names(srv.Events()))
	assert.Equal(t, "2025-03-01T12:00:01.000000Z", srv.Events()[1].Timestamp)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/bc/v1/events/queue", reqs[0].Path)
	assert.Equal(t, 3, reqs[0].Events)
	assert.Contains(t, reqs[0].UserAgent, "mindlytics-otel-go/")
	assert.Equal(t, 3, req.settled)
}

func TestPushChunksLargeBatches(t *testing.T) {
	tests := []struct {
		name       string
		maxEvents  int
		maxBytes   int
		wantCounts []int
	}{
		{"by events", 2, 1 << 20, []int{2, 2, 1}},
		// Each event is about 90 bytes: 4 KiB holds 40-odd of them.
		{"by bytes", 1000, 4 << 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			cfg := testConfig(srv)
			cfg.MaxRequestEvents, cfg.MaxRequestBytes = tt.maxEvents, tt.maxBytes
			c := newTestCore(t, cfg)

			n := 5
			if tt.wantCounts == nil {
				n = 100
			}
			events := make([]json.RawMessage, n)
			want := make([]string, n)
			for i := range events {
				want[i] = strings.Repeat("x", 10) + string(rune('a'+i%26))
				events[i] = track(t, "s1", want[i], t0.Add(time.Duration(i)*time.Millisecond))
			}
			require.NoError(t, c.push(context.Background(), newEventsRequest(events)))
			assert.Equal(t, want, names(srv.Events()))

			var counts []int
			for _, r := range srv.Requests() {
				counts = append(counts, r.Events)
				assert.LessOrEqual(t, r.ContentLength, int64(tt.maxBytes))
			}
			if tt.wantCounts != nil {
				assert.Equal(t, tt.wantCounts, counts)
			} else {
				assert.Greater(t, len(counts), 2, "100 events of ~90 bytes need several 4 KiB requests")
			}
		})
	}
}

func TestPushSplitsRefusedBatch(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	req := newEventsRequest([]json.RawMessage{
		track(t, "s1", "a", t0), refusedEvent, track(t, "s1", "b", t0.Add(time.Second)), track(t, "s1", "c", t0.Add(2*time.Second)),
	})
	require.NoError(t, c.push(context.Background(), req), "refused events are dropped, not retried")

	assert.Equal(t, []string{"a", "b", "c"}, names(srv.Events()), "the good events land, in order")
	var statuses []int
	var sizes []int
	for _, r := range srv.Requests() {
		statuses = append(statuses, r.Status)
		sizes = append(sizes, r.Events)
	}
	// The whole, its first half, each quarter of that half, then the second half.
	assert.Equal(t, []int{400, 400, 200, 400, 200}, statuses)
	assert.Equal(t, []int{4, 2, 1, 1, 2}, sizes)
	assert.Equal(t, 4, req.settled)

	metadatatest.AssertEqualExporterMindlyticsEventsRejected(t, c.tel,
		[]metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
	warned := c.logs.FilterMessage("Mindlytics refused an event; dropping it").All()
	require.Len(t, warned, 1)
	fields := warned[0].ContextMap()
	assert.Equal(t, int64(http.StatusBadRequest), fields["status"])
	assert.Contains(t, fields["message"], "event", "the service's own message is logged")
	assert.Equal(t, "s1", fields["session_id"])
	assert.NotContains(t, warned[0].Message+strings.Join(mapValues(fields), " "), srv.APIKey)
}

func mapValues(m map[string]any) []string {
	var out []string
	for _, v := range m {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// faultySender fails chosen calls (1-based) before they reach the service.
type faultySender struct {
	next   delivery.Sender
	calls  int
	failAt map[int]error
}

func (f *faultySender) SendBatch(ctx context.Context, events []json.RawMessage) error {
	f.calls++
	if err := f.failAt[f.calls]; err != nil {
		return err
	}
	return f.next.SendBatch(ctx, events)
}

func TestPushRetryResendsOnlyUnsettledEvents(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	req := newEventsRequest([]json.RawMessage{
		track(t, "s1", "a", t0), refusedEvent, track(t, "s1", "b", t0.Add(time.Second)), track(t, "s1", "c", t0.Add(2*time.Second)),
	})
	// Calls: [a ✗ b c] 400, [a ✗] 400, [a] ok, [✗] 400, then [b c] fails.
	sender := &faultySender{next: c.client, failAt: map[int]error{5: errors.New("connection reset")}}
	err := c.deliverAll(context.Background(), sender, req)
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err))
	assert.Equal(t, 2, req.settled)

	retry := req.OnError(err).(*eventsRequest)
	assert.Equal(t, 2, retry.ItemsCount())
	require.NoError(t, c.deliverAll(context.Background(), sender, retry))
	assert.Equal(t, []string{"a", "b", "c"}, names(srv.Events()), "nothing is sent twice")
}

func TestPushErrorMapping(t *testing.T) {
	tests := []struct {
		name          string
		fault         func(*mindlyticstest.Server)
		wantPermanent bool
		wantThrottle  string // prefix of the error when throttled
	}{
		{"401 is permanent", func(s *mindlyticstest.Server) { s.FailNext(401) }, true, ""},
		{"403 is permanent", func(s *mindlyticstest.Server) { s.FailNext(403) }, true, ""},
		{"404 is permanent", func(s *mindlyticstest.Server) { s.FailNext(404) }, true, ""},
		{"422 is permanent", func(s *mindlyticstest.Server) { s.FailNext(422) }, true, ""},
		{"408 is retried", func(s *mindlyticstest.Server) { s.FailNext(408) }, false, ""},
		{"505 is permanent", func(s *mindlyticstest.Server) { s.FailNext(505) }, true, ""},
		{"502 is retried", func(s *mindlyticstest.Server) { s.FailNext(502) }, false, ""},
		{"503 is retried", func(s *mindlyticstest.Server) { s.FailNext(503) }, false, ""},
		{"504 is retried", func(s *mindlyticstest.Server) { s.FailNext(504) }, false, ""},
		{"501 is permanent", func(s *mindlyticstest.Server) { s.FailNext(501) }, true, ""},
		{"429 with Retry-After is throttled", func(s *mindlyticstest.Server) { s.Throttle(1, 3*time.Second) }, false, "Throttle (3s)"},
		{"a dropped connection is retried", func(s *mindlyticstest.Server) { s.DropConnections(1) }, false, ""},
		{"an outage is retried", func(s *mindlyticstest.Server) { s.Down(time.Minute) }, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			c := newTestCore(t, testConfig(srv))
			tt.fault(srv)

			req := newEventsRequest([]json.RawMessage{track(t, "s1", "a", t0), track(t, "s1", "b", t0)})
			err := c.push(context.Background(), req)
			require.Error(t, err)
			assert.Equal(t, tt.wantPermanent, consumererror.IsPermanent(err), err.Error())
			if tt.wantThrottle != "" {
				assert.True(t, strings.HasPrefix(err.Error(), tt.wantThrottle), err.Error())
			} else {
				assert.NotContains(t, err.Error(), "Throttle")
			}
			assert.NotContains(t, err.Error(), srv.APIKey)
			assert.Zero(t, req.settled, "nothing was delivered")
			assert.Empty(t, srv.Events())
		})
	}
}

func TestPushSingleRefusedEventIsDropped(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))
	srv.FailNext(http.StatusBadRequest)

	require.NoError(t, c.push(context.Background(), newEventsRequest([]json.RawMessage{track(t, "s1", "a", t0)})))
	assert.Empty(t, srv.Events())
	metadatatest.AssertEqualExporterMindlyticsEventsRejected(t, c.tel,
		[]metricdata.DataPoint[int64]{{Value: 1, Attributes: attribute.NewSet()}}, metricdatatest.IgnoreTimestamp())
}

// TestRetryAfterBeyondTheBudgetIsReported: a Retry-After longer than
// max_elapsed_time fails at once with a message that says so; with retries
// that never give up, the wait is bounded.
func TestRetryAfterBeyondTheBudgetIsReported(t *testing.T) {
	c := &core{cfg: createDefaultConfig().(*Config)}
	huge := &mindlytics.APIError{StatusCode: 429, RetryAfter: time.Duration(math.MaxInt64)}
	err := c.collectorError(huge)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "more than the whole retry budget")
	assert.ErrorAs(t, err, new(*mindlytics.APIError))

	c.cfg.RetryConfig.MaxElapsedTime = 0
	err = c.collectorError(huge)
	assert.False(t, consumererror.IsPermanent(err))
	assert.Contains(t, fmt.Sprintf("%#v", err), "3600000000000", "the wait is clamped to an hour")
}
