package collectore2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// durabilityLoad is the load of the durability tests: sessions × (a start
// span, steps track spans, an end span), sent round by round (each OTLP
// request holds one span of every session, so the requests interleave the
// sessions), every request resent until the collector accepts it, as an
// OTel SDK's exporter retries a refusal.
type durabilityLoad struct {
	sessions, steps int
	// accepted counts the spans of requests answered 200; refused the
	// answers that were not (each followed by a resend).
	accepted, refused atomic.Int64
}

// rounds is the number of OTLP requests: a start, the steps, an end.
func (l *durabilityLoad) rounds() int { return l.steps + 2 }

func durabilitySession(i int) string { return fmt.Sprintf("dur-%03d", i) }
func durabilityStep(k int) string    { return fmt.Sprintf("step-%04d", k) }

// body is round r's OTLP/protobuf request.
func (l *durabilityLoad) body(t *testing.T, r int) []byte {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "durability")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	at := base.Add(time.Duration(r) * time.Second)
	for s := range l.sessions {
		sp := spans.AppendEmpty()
		sp.SetTraceID(pcommon.TraceID{byte(s >> 8), byte(s), byte(r >> 8), byte(r), 0xd0})
		sp.SetSpanID(pcommon.SpanID{byte(s >> 8), byte(s), byte(r >> 8), byte(r), 0x5a})
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(at))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(at.Add(time.Millisecond)))
		attrs := []attribute.KeyValue{semconv.SessionID(durabilitySession(s)), semconv.UserID("u-" + durabilitySession(s))}
		switch r {
		case 0:
			sp.SetName(conventions.SpanNameSessionStart)
			attrs = append(attrs, semconv.MindlyticsEvent(semconv.EventSessionStart))
		case l.rounds() - 1:
			sp.SetName(conventions.SpanNameSessionEnd)
			attrs = append(attrs, semconv.MindlyticsEvent(semconv.EventSessionEnd))
		default:
			sp.SetName(conventions.TrackSpanName(durabilityStep(r - 1)))
			attrs = append(attrs, semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName(durabilityStep(r-1)))
		}
		for _, kv := range attrs {
			sp.Attributes().PutStr(string(kv.Key), kv.Value.AsString())
		}
	}
	b, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	require.NoError(t, err)
	return b
}

// send sends round r to the collector at endpoint() (which may change when
// the collector restarts), resending every retryPause until it is accepted
// or ctx ends.
func (l *durabilityLoad) send(ctx context.Context, t *testing.T, endpoint func() string, r int) error {
	t.Helper()
	body := l.body(t, r)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		if postTraces(client, endpoint(), body) {
			l.accepted.Add(int64(l.sessions))
			return nil
		}
		l.refused.Add(1)
		select {
		case <-ctx.Done():
			return fmt.Errorf("round %d never accepted: %w", r, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// durabilityFigures is what reached the service, against what the
// collector accepted.
type durabilityFigures struct {
	accepted, refusals          int64
	delivered, lost, duplicates int
	orderViolations             int // events that came after a later one of their session
	beforeStart                 int // events that came before their session's start_session
	neverStarted                int // sessions with no start_session at all
	serviceViolations           int // the loopback service's own count
}

func (f durabilityFigures) String() string {
	return fmt.Sprintf("accepted %d spans (%d refusals resent), delivered %d, lost %d, duplicates %d, order violations %d, events before start %d, sessions never started %d, service violations %d",
		f.accepted, f.refusals, f.delivered, f.lost, f.duplicates, f.orderViolations, f.beforeStart, f.neverStarted, f.serviceViolations)
}

// rank is an event's place in its session: the start 0, step k k+1, the
// end the last; -1 for an event the load does not make.
func (l *durabilityLoad) rank(ev mindlytics.Event) int {
	switch {
	case ev.Type == mindlytics.TypeStartSession:
		return 0
	case ev.Type == mindlytics.TypeEndSession:
		return l.rounds() - 1
	case strings.HasPrefix(ev.Event, "step-"):
		var k int
		if _, err := fmt.Sscanf(ev.Event, "step-%d", &k); err == nil {
			return k + 1
		}
	}
	return -1
}

// tally compares what the service holds with what the load made.
func (l *durabilityLoad) tally(t *testing.T, srv *mindlyticstest.Server) durabilityFigures {
	t.Helper()
	f := durabilityFigures{accepted: l.accepted.Load(), refusals: l.refused.Load(), serviceViolations: len(srv.Violations())}
	for s := range l.sessions {
		seen := map[int]bool{}
		started, last := false, -1
		for _, ev := range srv.SessionEvents(durabilitySession(s)) {
			r := l.rank(ev)
			if r < 0 {
				t.Errorf("session %s: an event the load did not make: %s %q", durabilitySession(s), ev.Type, ev.Event)
				continue
			}
			if seen[r] {
				f.duplicates++
				continue
			}
			seen[r] = true
			f.delivered++
			if r == 0 {
				started = true
			} else if !started {
				f.beforeStart++
			}
			if r < last {
				f.orderViolations++
			}
			last = max(last, r)
		}
		if !seen[0] {
			f.neverStarted++
		}
	}
	f.lost = max(0, int(f.accepted)-f.delivered)
	return f
}
