package mindlyticsexporter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap/zapcore"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestExporterSendsThroughQueue(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "a", "b")))
	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0.Add(time.Second), "c")))
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, names(events))
	metadatatest.AssertEqualExporterMindlyticsEventsTranslated(t, c.tel,
		[]metricdata.DataPoint[int64]{{Value: 3}}, metricdatatest.IgnoreTimestamp())
}

func TestExporterWithoutQueueSendsAtOnce(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	c := newTestCore(t, cfg)

	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "a")))
	assert.Equal(t, []string{"a"}, names(srv.Events()), "delivered before ConsumeTraces returned")

	srv.FailNext(403)
	err := c.consumeTraces(context.Background(), traces("s1", t0, "b"))
	require.Error(t, err, "without a queue the pipeline sees the failure")
	assert.Contains(t, err.Error(), "403")
}

func TestExporterHonoursRetryAfter(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv)) // retries after 10ms unless told otherwise
	srv.Throttle(1, time.Second)

	start := time.Now()
	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "a")))
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, names(events))

	// The request's record is finished just after its events are accepted.
	var reqs []mindlyticstest.Request
	require.Eventually(t, func() bool {
		reqs = srv.Requests()
		return len(reqs) == 2 && reqs[1].Status != 0
	}, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, 429, reqs[0].Status)
	assert.Equal(t, 200, reqs[1].Status)
	assert.GreaterOrEqual(t, reqs[1].Time.Sub(reqs[0].Time), 950*time.Millisecond, "the retry waited for Retry-After")
	assert.GreaterOrEqual(t, time.Since(start), 950*time.Millisecond)
}

func TestExporterRetriesTransientFailures(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))
	srv.FailNext(503, 500)

	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "a", "b")))
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, names(events))
	require.Eventually(t, func() bool { return len(srv.Requests()) == 3 }, 10*time.Second, 5*time.Millisecond)
	// The outage is said once, at warn level, and its end too.
	require.Eventually(t, func() bool {
		return c.logs.FilterMessage("The service accepts events again").Len() == 1
	}, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, 1, c.logs.FilterMessageSnippet("not accepting events").FilterLevelExact(zapcore.WarnLevel).Len())
}

func TestExporterDropsPermanentFailuresAndGoesOn(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))
	srv.FailNext(403)

	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "lost")))
	require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "kept")))
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"kept"}, names(events))
	assert.Len(t, srv.Requests(), 2, "a permanent failure is not retried")
}

func TestExporterCountsTranslationErrors(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	td := traces("s1", t0, "a", "b")
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().PutBool("invalid", true)
	require.NoError(t, c.consumeTraces(context.Background(), td), "a span the translation cannot use does not fail the pipeline")
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, names(events))
	metadatatest.AssertEqualExporterMindlyticsTranslationErrors(t, c.tel,
		[]metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
	assert.Equal(t, 1, c.logs.FilterMessage("Dropped a span the translation could not use").Len())
}

func TestExporterDeliversIdleExpiry(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.Lifecycle.IdleCheckInterval = 20 * time.Millisecond
	c := newTestCore(t, cfg)

	end, err := mindlytics.EndSession(mindlytics.Identity{SessionID: "s1", Time: t0}, nil)
	require.NoError(t, err)
	c.tr.setExpire(end)
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 1)
	require.NoError(t, err)
	assert.Equal(t, mindlytics.TypeEndSession, events[0].Type)
	assert.Equal(t, "s1", events[0].SessionID)
}

func TestExporterShutdownEndsOpenSessions(t *testing.T) {
	for _, endOnShutdown := range []bool{true, false} {
		t.Run(map[bool]string{true: "end_on_shutdown", false: "leave_open"}[endOnShutdown], func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			cfg := testConfig(srv)
			cfg.Lifecycle.EndOnShutdown = endOnShutdown
			set, _ := settings(t)
			tr := &scriptedTranslation{}
			c, err := newCore(context.Background(), cfg, set, tr)
			require.NoError(t, err)
			require.NoError(t, c.start(context.Background(), componenttest.NewNopHost()))
			end, err := mindlytics.EndSession(mindlytics.Identity{SessionID: "s1", Time: t0}, nil)
			require.NoError(t, err)
			tr.setEndAll(end)

			require.NoError(t, c.consumeTraces(context.Background(), traces("s1", t0, "a")))
			require.NoError(t, c.shutdown(context.Background()))

			events := srv.Events()
			if endOnShutdown {
				require.Len(t, events, 2, "the memory queue is drained on shutdown, the end included")
				assert.Equal(t, "a", events[0].Event)
				assert.Equal(t, mindlytics.TypeEndSession, events[1].Type)
			} else {
				assert.Equal(t, []string{"a"}, names(events))
				assert.False(t, tr.ended)
			}
		})
	}
}

func TestFactorySharesOneCorePerConfig(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.APIKey, cfg.ProjectID = "k", "p"
	other := f.CreateDefaultConfig().(*Config)
	other.APIKey, other.ProjectID = "k", "p"
	set, _ := settings(t)

	te, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	le, err := f.CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	oe, err := f.CreateTraces(context.Background(), set, other)
	require.NoError(t, err)
	tc, lc, oc := te.(*tracesExporter).core, le.(*logsExporter).core, oe.(*tracesExporter).core
	assert.Same(t, tc, lc, "the traces and logs pipelines of one exporter share its state")
	assert.NotSame(t, tc, oc)
	assert.True(t, tc.logs, "a logs pipeline joins log records to spans")
	assert.False(t, oc.logs, "without a logs pipeline spans are not remembered for log records")

	host := componenttest.NewNopHost()
	require.NoError(t, te.Start(context.Background(), host))
	require.NoError(t, le.Start(context.Background(), host))
	require.NoError(t, oe.Start(context.Background(), host))

	require.NoError(t, te.Shutdown(context.Background()))
	assert.Equal(t, 1, tc.refs, "still used by the logs pipeline")
	require.NoError(t, te.Shutdown(context.Background()), "Shutdown is idempotent")
	assert.Equal(t, 1, tc.refs)
	require.NoError(t, le.Shutdown(context.Background()))
	require.NoError(t, oe.Shutdown(context.Background()))
	cores.Lock()
	assert.Empty(t, cores.m, "the last shutdown forgets the core")
	cores.Unlock()

	// A new pipeline with the same configuration starts afresh.
	te2, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	assert.NotSame(t, tc, te2.(*tracesExporter).core)
	require.NoError(t, te2.Shutdown(context.Background()))
}

func TestLogsAndTracesShareOneQueue(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))
	te := &tracesExporter{handle{core: c.core}}
	le := &logsExporter{handle{core: c.core}}

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("from-log")
	lr.Attributes().PutStr("session.id", "s1")
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))

	require.NoError(t, te.ConsumeTraces(context.Background(), traces("s1", t0, "span-1")))
	require.NoError(t, le.ConsumeLogs(context.Background(), ld))
	require.NoError(t, te.ConsumeTraces(context.Background(), traces("s1", t0.Add(2*time.Second), "span-2")))
	events, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"span-1", "from-log", "span-2"}, names(events))
}

// The counts a dashboard compares: spans in, spans that made no event,
// events made, events the service accepted.
func TestExporterCountsSpansAndEvents(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c := newTestCore(t, testConfig(srv))

	td := traces("s1", t0, "a", "b", "c")
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1).Attributes().PutBool("invalid", true)
	require.NoError(t, c.consumeTraces(context.Background(), td))
	_, err := srv.WaitForEvents(testkit.Context(t, testkit.Wait), 2)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := c.tel.GetMetric("otelcol_exporter_mindlytics_events_sent")
		return err == nil
	}, testkit.Wait, 5*time.Millisecond)
	one := func(v int64) []metricdata.DataPoint[int64] { return []metricdata.DataPoint[int64]{{Value: v}} }
	metadatatest.AssertEqualExporterMindlyticsSpansTranslated(t, c.tel, one(3), metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualExporterMindlyticsSpansDropped(t, c.tel, one(1), metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualExporterMindlyticsEventsTranslated(t, c.tel, one(2), metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualExporterMindlyticsEventsSent(t, c.tel, one(2), metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	// exporterhelper's sent_spans counts spans, as the receiver's accepted_spans does.
	require.Eventually(t, func() bool { return sumOf(t, c.tel, "otelcol_exporter_sent_spans") == 3 }, testkit.Wait, 5*time.Millisecond,
		"sent_spans: %d", sumOf(t, c.tel, "otelcol_exporter_sent_spans"))
}

// sumOf is the sum of a counter's points, 0 before it has any.
func sumOf(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}

// Each span that made no event is counted once by reason, so that a
// dashboard can add spans that made an event, spans without one and spans
// dropped up to the spans translated.
func TestExporterCountsSpansWithoutEventByReason(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	set, tel := settings(t)
	te, err := NewFactory().CreateTraces(context.Background(), set, testConfig(srv))
	require.NoError(t, err)
	require.NoError(t, te.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, te.Shutdown(context.Background())) }()

	agent := pdataSpec{1, 0, "invoke_agent bot", 0, 5 * time.Second, map[string]any{
		"session.id": "s1", "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "bot",
	}}
	http := pdataSpec{2, 1, "GET /orders", time.Second, 2 * time.Second, map[string]any{"http.request.method": "GET"}}
	db := pdataSpec{3, 1, "SELECT orders", time.Second, 2 * time.Second, map[string]any{"db.system.name": "postgresql"}}
	chat := sessionSpan("s1", 4, 2*time.Second)
	chat.parent = 1
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{1}, agent, http, db, chat)))
	_, err = srv.WaitForEvents(testkit.Context(t, testkit.Wait), 1)
	require.NoError(t, err)
	reason := func(r string, n int64) metricdata.DataPoint[int64] {
		return metricdata.DataPoint[int64]{Value: n, Attributes: attribute.NewSet(attribute.String("reason", r))}
	}
	metadatatest.AssertEqualExporterMindlyticsSpansWithoutEvent(t, tel,
		[]metricdata.DataPoint[int64]{reason("not_genai", 2), reason("wrapper", 1)},
		metricdatatest.IgnoreTimestamp())
}
