package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// testConfig is the default configuration pointed at srv, with fast
// retries.
func testConfig(srv *mindlyticstest.Server) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = srv.URL
	cfg.APIKey = configopaque.String(srv.APIKey)
	cfg.ProjectID = srv.ProjectID
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	return cfg
}

// testCore is a core with a scripted translation, its telemetry and its
// logs, started against the configuration's endpoint and shut down when
// the test ends.
type testCore struct {
	*core
	tr   *scriptedTranslation
	tel  *componenttest.Telemetry
	logs *observer.ObservedLogs
}

func newTestCore(t *testing.T, cfg *Config) *testCore {
	t.Helper()
	c := startTestCore(t, cfg)
	t.Cleanup(func() { require.NoError(t, c.shutdown(context.Background())) })
	return c
}

// startTestCore is newTestCore for a test that shuts the core down itself.
func startTestCore(t *testing.T, cfg *Config) *testCore {
	t.Helper()
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	zc, logs := observer.New(zapcore.DebugLevel)
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(zc)
	tr := &scriptedTranslation{}
	c, err := newCore(context.Background(), cfg, set, tr)
	require.NoError(t, err)
	require.NoError(t, c.start(context.Background(), componenttest.NewNopHost()))
	return &testCore{core: c, tr: tr, tel: tel, logs: logs}
}

// settings returns exporter settings with a telemetry of the test's own.
func settings(t *testing.T) (exporter.Settings, *componenttest.Telemetry) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return metadatatest.NewSettings(tel), tel
}

// scriptedTranslation stands in for package translate where a test is about
// the exporter's plumbing: each span (or log record) named N with the
// attribute session.id S becomes a track event N in session S, timestamped
// with the span's start; a span with the attribute "invalid" is a
// translation error. Expire and EndAll return what the test scripted.
type scriptedTranslation struct {
	mu     sync.Mutex
	expire []mindlytics.Event
	endAll []mindlytics.Event
	ended  bool
}

func (s *scriptedTranslation) Traces(events []compact.Event, td ptrace.Traces) ([]compact.Event, []error) {
	var errs []error
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				ev, err := scriptedEvent(sp.Name(), sp.Attributes(), sp.StartTimestamp())
				if err != nil {
					errs = append(errs, err)
					continue
				}
				events = append(events, compact.Of(ev))
			}
		}
	}
	return events, errs
}

func (s *scriptedTranslation) Logs(events []compact.Event, ld plog.Logs) ([]compact.Event, []error) {
	var errs []error
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				ev, err := scriptedEvent(lr.EventName(), lr.Attributes(), lr.Timestamp())
				if err != nil {
					errs = append(errs, err)
					continue
				}
				events = append(events, compact.Of(ev))
			}
		}
	}
	return events, errs
}

func scriptedEvent(name string, attrs pcommon.Map, ts pcommon.Timestamp) (mindlytics.Event, error) {
	if _, bad := attrs.Get("invalid"); bad {
		return mindlytics.Event{}, errors.New("scripted translation error")
	}
	sid, _ := attrs.Get("session.id")
	return mindlytics.Track(mindlytics.Identity{SessionID: sid.Str(), Time: ts.AsTime()}, "", name, nil)
}

func (s *scriptedTranslation) Expire() []mindlytics.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.expire
	s.expire = nil
	return out
}

func (s *scriptedTranslation) Release() []mindlytics.Event { return nil }

func (s *scriptedTranslation) LateErrors() []error { return nil }

func (s *scriptedTranslation) NoEventCounts() translate.NoEventCounts {
	return translate.NoEventCounts{}
}

func (s *scriptedTranslation) Stats() translate.Stats { return translate.Stats{} }

func (s *scriptedTranslation) EndAll() []mindlytics.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
	return s.endAll
}

func (s *scriptedTranslation) setExpire(events ...mindlytics.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire = events
}

func (s *scriptedTranslation) setEndAll(events ...mindlytics.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endAll = events
}

// traces builds one span per name, all in session sid, started a millisecond
// apart from base.
func traces(sid string, base time.Time, names ...string) ptrace.Traces {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i, name := range names {
		sp := spans.AppendEmpty()
		sp.SetName(name)
		sp.Attributes().PutStr("session.id", sid)
		start := base.Add(time.Duration(i) * time.Millisecond)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Millisecond)))
	}
	return td
}

// track is the encoded track event name of session sid at t.
func track(t *testing.T, sid, name string, at time.Time) json.RawMessage {
	t.Helper()
	ev, err := mindlytics.Track(mindlytics.Identity{SessionID: sid, Time: at}, "", name, nil)
	require.NoError(t, err)
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	return b
}

// names returns the names of track events, in order.
func names(events []mindlytics.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Event
	}
	return out
}
