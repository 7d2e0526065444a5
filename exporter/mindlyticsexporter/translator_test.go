package mindlyticsexporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// startPipelines creates and starts the traces and logs exporters of one
// configuration, as a collector with both pipelines would.
func startPipelines(t *testing.T, cfg *Config) (exporter.Traces, exporter.Logs) {
	t.Helper()
	set, _ := settings(t)
	f := NewFactory()
	te, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	le, err := f.CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, te.Start(context.Background(), host))
	require.NoError(t, le.Start(context.Background(), host))
	return te, le
}

func shutdown(t *testing.T, cs ...interface{ Shutdown(context.Context) error }) {
	t.Helper()
	for _, c := range cs {
		require.NoError(t, c.Shutdown(context.Background()))
	}
}

// requireEvents compares events as they go on the wire.
func requireEvents(t *testing.T, want, got []mindlytics.Event) {
	t.Helper()
	require.Equal(t, testkit.EncodeEach(t, want), testkit.EncodeEach(t, got))
}

type pdataSpec struct {
	id, parent byte
	name       string
	start, end time.Duration // after t0
	attrs      map[string]any
}

func spansOf(traceID pcommon.TraceID, specs ...pdataSpec) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "chatbot")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for _, s := range specs {
		sp := spans.AppendEmpty()
		sp.SetTraceID(traceID)
		sp.SetSpanID(pcommon.SpanID{s.id})
		if s.parent != 0 {
			sp.SetParentSpanID(pcommon.SpanID{s.parent})
		}
		sp.SetName(s.name)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(s.start)))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(s.end)))
		_ = sp.Attributes().FromRaw(s.attrs)
	}
	return td
}

func TestTranslatesTracesIntoSessionEvents(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))

	td := spansOf(pcommon.TraceID{1},
		pdataSpec{1, 0, "invoke_agent helper", 0, 3 * time.Second, map[string]any{
			"session.id": "s1", "user.id": "u1", "gen_ai.operation.name": "invoke_agent",
		}},
		pdataSpec{2, 1, "chat gpt-4o", time.Second, 2 * time.Second, map[string]any{
			"gen_ai.operation.name":      "chat",
			"gen_ai.request.model":       "gpt-4o",
			"gen_ai.usage.input_tokens":  10,
			"gen_ai.usage.output_tokens": 5,
			"gen_ai.input.messages":      `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`,
			"gen_ai.output.messages":     `[{"role":"assistant","parts":[{"type":"text","content":"Hello!"}],"finish_reason":"stop"}]`,
		}},
		pdataSpec{3, 1, "execute_tool lookup", 2500 * time.Millisecond, 2750 * time.Millisecond, map[string]any{
			"gen_ai.operation.name":      "execute_tool",
			"gen_ai.tool.name":           "lookup",
			"gen_ai.tool.call.arguments": `{"q":"x"}`,
			"gen_ai.tool.call.result":    "found",
		}},
	)
	require.NoError(t, te.ConsumeTraces(context.Background(), td))
	shutdown(t, te, le) // ends the open conversation and session

	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s1", UserID: "u1", Time: t0.Add(d)}
	}
	ok := testkit.Must[mindlytics.Event](t)
	want := []mindlytics.Event{
		ok(mindlytics.StartSession(mindlytics.Identity{SessionID: "s1", UserID: "u1", Time: t0.Add(time.Second)}, nil)),
		ok(mindlytics.ConversationStarted(id(time.Second), "s1", nil, nil)),
		ok(mindlytics.ConversationTurn(id(2*time.Second), "s1", mindlytics.Turn{
			User: "Hi", Assistant: "Hello!", Model: "gpt-4o", PromptTokens: 10, CompletionTokens: 5,
		})),
		ok(mindlytics.ConversationFunction(id(2750*time.Millisecond), "s1", mindlytics.FunctionCall{
			Name: "lookup", Args: `{"q":"x"}`, Result: "found", Runtime: 250 * time.Millisecond,
		})),
		ok(mindlytics.ConversationEnded(id(2750*time.Millisecond), "s1", nil, nil)),
		ok(mindlytics.EndSession(id(2750*time.Millisecond), nil)),
	}
	requireEvents(t, want, srv.Events())
	assert.Empty(t, srv.Violations())
}

// logRecord appends a GenAI event record to ld in the span's context.
func logRecord(ld plog.Logs, name string, traceID pcommon.TraceID, spanID pcommon.SpanID, at time.Duration, attrs, body map[string]any) {
	var sl plog.ScopeLogs
	if ld.ResourceLogs().Len() == 0 {
		sl = ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	} else {
		sl = ld.ResourceLogs().At(0).ScopeLogs().At(0)
	}
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName(name)
	lr.SetTraceID(traceID)
	lr.SetSpanID(spanID)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(at)))
	_ = lr.Attributes().FromRaw(attrs)
	if body != nil {
		_ = lr.Body().SetEmptyMap().FromRaw(body)
	}
}

func TestTranslatesInferenceDetailsLogRecords(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))

	// The span carries the usage; its details record the texts (and the
	// same usage, which must not count twice).
	traceID := pcommon.TraceID{7}
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(traceID,
		pdataSpec{1, 0, "chat gpt-4o", 0, time.Second, map[string]any{
			"session.id": "s7", "user.id": "u7",
			"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3,
		}})))
	ld := plog.NewLogs()
	logRecord(ld, "gen_ai.client.inference.operation.details", traceID, pcommon.SpanID{1}, time.Second, map[string]any{
		"gen_ai.operation.name":      "chat",
		"gen_ai.request.model":       "gpt-4o",
		"gen_ai.usage.input_tokens":  12,
		"gen_ai.usage.output_tokens": 3,
		"gen_ai.input.messages": []any{map[string]any{"role": "user", "parts": []any{
			map[string]any{"type": "text", "content": "Weather?"}}}},
		"gen_ai.output.messages": []any{map[string]any{"role": "assistant", "finish_reason": "stop", "parts": []any{
			map[string]any{"type": "text", "content": "Sunny."}}}},
	}, nil)
	logRecord(ld, "app.log", traceID, pcommon.SpanID{1}, time.Second, map[string]any{"level": "info"}, nil)
	require.NoError(t, le.ConsumeLogs(context.Background(), ld))
	shutdown(t, te, le)

	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s7", UserID: "u7", Time: t0.Add(d)}
	}
	ok := testkit.Must[mindlytics.Event](t)
	want := []mindlytics.Event{
		ok(mindlytics.StartSession(mindlytics.Identity{SessionID: "s7", UserID: "u7", Time: t0}, nil)),
		ok(mindlytics.ConversationStarted(id(0), "s7", nil, nil)),
		ok(mindlytics.ConversationUsage(id(time.Second), "s7", mindlytics.Usage{Model: "gpt-4o", PromptTokens: 12, CompletionTokens: 3})),
		// The later span of the call (the log's) adds its texts, with no
		// counts: the usage went out already.
		ok(mindlytics.ConversationTurn(id(time.Second), "s7", mindlytics.Turn{User: "Weather?", Assistant: "Sunny.", Model: "gpt-4o", TokensUnknown: true})),
		ok(mindlytics.ConversationEnded(id(time.Second), "s7", nil, nil)),
		ok(mindlytics.EndSession(id(time.Second), nil)),
	}
	requireEvents(t, want, srv.Events())
	assert.Empty(t, srv.Violations())
}

func TestTranslatesPerMessageLogRecords(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))

	traceID := pcommon.TraceID{8}
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(traceID,
		pdataSpec{1, 0, "chat", 0, time.Second, map[string]any{
			"session.id": "s8", "device.id": "d8", "gen_ai.system": "openai",
			"gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.prompt_tokens": 4, "gen_ai.usage.completion_tokens": 2,
		}})))
	ld := plog.NewLogs()
	logRecord(ld, "gen_ai.system.message", traceID, pcommon.SpanID{1}, 0, map[string]any{"gen_ai.system": "openai"},
		map[string]any{"content": "Be brief."})
	logRecord(ld, "gen_ai.user.message", traceID, pcommon.SpanID{1}, 0, map[string]any{"gen_ai.system": "openai"},
		map[string]any{"content": "Capital of France?"})
	logRecord(ld, "gen_ai.choice", traceID, pcommon.SpanID{1}, time.Second, map[string]any{"gen_ai.system": "openai"},
		map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": "Paris."}})
	require.NoError(t, le.ConsumeLogs(context.Background(), ld))
	shutdown(t, te, le)

	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s8", DeviceID: "d8", Time: t0.Add(d)}
	}
	ok := testkit.Must[mindlytics.Event](t)
	want := []mindlytics.Event{
		ok(mindlytics.StartSession(id(0), nil)),
		ok(mindlytics.ConversationStarted(id(0), "s8", nil, nil)),
		ok(mindlytics.ConversationUsage(id(time.Second), "s8", mindlytics.Usage{Model: "gpt-4o-mini", PromptTokens: 4, CompletionTokens: 2})),
		ok(mindlytics.ConversationTurn(id(time.Second), "s8", mindlytics.Turn{User: "Capital of France?", Assistant: "Paris."})),
		ok(mindlytics.ConversationEnded(id(time.Second), "s8", nil, nil)),
		ok(mindlytics.EndSession(id(time.Second), nil)),
	}
	requireEvents(t, want, srv.Events())
	assert.Empty(t, srv.Violations())
}

func TestConfiguredIdentityKeysComeFirst(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.Identity.SessionIDKeys = []string{"app.session"}
	cfg.Identity.UserIDKeys = []string{"app.user"}
	cfg.Identity.DefaultDeviceID = "collector-device"
	te, le := startPipelines(t, cfg)

	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{9},
		pdataSpec{1, 0, "signup", 0, time.Second, map[string]any{
			"app.session": "mine", "session.id": "theirs", "app.user": "u9",
			"mindlytics.event": "track", "mindlytics.event.name": "Signed Up",
		}})))
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{10},
		pdataSpec{1, 0, "anonymous", 0, time.Second, map[string]any{
			"session.id": "anon", "mindlytics.event": "track", "mindlytics.event.name": "Visited",
		}})))
	shutdown(t, te, le)

	bySession := map[string][]mindlytics.Event{}
	for _, ev := range srv.Events() {
		bySession[ev.SessionID] = append(bySession[ev.SessionID], ev)
	}
	require.Contains(t, bySession, "mine")
	assert.NotContains(t, bySession, "theirs")
	assert.Equal(t, "u9", bySession["mine"][0].ID, "start_session carries the configured user key")
	require.Contains(t, bySession, "anon")
	assert.Equal(t, "collector-device", bySession["anon"][0].DeviceID)
	assert.Empty(t, srv.Violations())
}

func TestConfigBuildsTranslator(t *testing.T) {
	for _, name := range []string{"", "minimal", "full", "unlimited_strings", "no_default_device"} {
		cfg, err := loadConfig(t, name)
		require.NoError(t, err)
		_, err = translate.New(cfg.Settings)
		assert.NoError(t, err, name)
	}
}

// TestDocumentedZeroValues runs the settings whose zero value means
// something through the pipeline: max_string_length 0 cuts nothing, and
// default_device_id "" drops spans with neither user nor device id.
func TestDocumentedZeroValues(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.MaxStringLength = 0
	cfg.Identity.DefaultDeviceID = ""
	te, le := startPipelines(t, cfg)
	long := strings.Repeat("y", 20_000)
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{11},
		pdataSpec{1, 0, "turn", 0, time.Second, map[string]any{
			"session.id": "with-user", "user.id": "u1", "mindlytics.event": "turn",
			"mindlytics.turn.user": long, "mindlytics.turn.assistant": "ok",
		}})))
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{12},
		pdataSpec{2, 0, "turn", 0, time.Second, map[string]any{
			"session.id": "nobody", "mindlytics.event": "turn",
			"mindlytics.turn.user": "q", "mindlytics.turn.assistant": "a",
		}})))
	shutdown(t, te, le)
	assert.Empty(t, srv.SessionEvents("nobody"), "no device id to stand in: dropped")
	var user string
	for _, ev := range srv.SessionEvents("with-user") {
		if ev.Event == mindlytics.EventConversationTurn {
			user, _ = ev.Properties["user"].(string)
		}
	}
	assert.Equal(t, long, user, "no limit: not cut")
}

func TestLogsToTraces(t *testing.T) {
	traceID, spanID := pcommon.TraceID{5}, pcommon.SpanID{6}
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "bot")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("genai-instrumentation")
	add := func(name string, trace pcommon.TraceID, span pcommon.SpanID, attrs map[string]any, body any) plog.LogRecord {
		lr := sl.LogRecords().AppendEmpty()
		if name != "" {
			_ = lr.Attributes().FromRaw(attrs)
			lr.Attributes().PutStr("event.name", name) // the older place of the name
		}
		lr.SetTraceID(trace)
		lr.SetSpanID(span)
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
		switch b := body.(type) {
		case string:
			lr.Body().SetStr(b)
		case map[string]any:
			_ = lr.Body().SetEmptyMap().FromRaw(b)
		}
		return lr
	}
	add("gen_ai.client.inference.operation.details", traceID, spanID, map[string]any{
		"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 3, "gen_ai.usage.output_tokens": 4,
	}, map[string]any{"gen_ai.output.messages": "[]", "gen_ai.operation.name": "ignored, the attribute wins"})
	add("gen_ai.client.inference.operation.details", pcommon.TraceID{}, pcommon.SpanID{}, map[string]any{
		"gen_ai.usage.input_tokens": 3,
	}, nil)
	add("gen_ai.user.message", traceID, spanID, map[string]any{"gen_ai.system": "openai"}, "plain text")
	add("gen_ai.choice", traceID, spanID, nil, map[string]any{"message": map[string]any{"content": "ok"}})
	add("", traceID, spanID, nil, "not a GenAI event")

	td := pdataview.LogsToTraces(ld)
	require.Equal(t, 1, td.ResourceSpans().Len())
	rs := td.ResourceSpans().At(0)
	assert.Equal(t, "bot", rs.Resource().Attributes().AsRaw()["service.name"])
	require.Equal(t, 1, rs.ScopeSpans().Len())
	assert.Equal(t, "genai-instrumentation", rs.ScopeSpans().At(0).Scope().Name())
	spans := rs.ScopeSpans().At(0).Spans()
	require.Equal(t, 3, spans.Len(), "two details spans and one chat span; the plain log is ignored")

	details := spans.At(0)
	assert.Equal(t, traceID, details.TraceID())
	assert.Equal(t, spanID, details.ParentSpanID())
	assert.NotEqual(t, spanID, details.SpanID())
	assert.False(t, details.SpanID().IsEmpty())
	assert.Equal(t, map[string]any{
		"gen_ai.operation.name":  "chat",
		"gen_ai.output.messages": "[]",
	}, details.Attributes().AsRaw(), "the span in the record's context carries the usage; the body fills gaps")

	orphan := spans.At(1)
	assert.False(t, orphan.TraceID().IsEmpty(), "a record outside any trace gets a trace of its own")
	assert.Equal(t, map[string]any{"gen_ai.usage.input_tokens": int64(3), "gen_ai.operation.name": "chat"},
		orphan.Attributes().AsRaw(), "no span carries this record's usage, so it keeps it; a details record is a model call")

	chat := spans.At(2)
	assert.Equal(t, "chat", chat.Attributes().AsRaw()["gen_ai.operation.name"])
	assert.Equal(t, "openai", chat.Attributes().AsRaw()["gen_ai.system"])
	require.Equal(t, 2, chat.Events().Len())
	assert.Equal(t, "gen_ai.user.message", chat.Events().At(0).Name())
	assert.Equal(t, "plain text", chat.Events().At(0).Attributes().AsRaw()["content"])
	assert.Equal(t, "gen_ai.choice", chat.Events().At(1).Name())
	assert.Equal(t, map[string]any{"content": "ok"}, chat.Events().At(1).Attributes().AsRaw()["message"])
}

// TestGaugesOfTheTranslationState: open sessions and conversations, and
// spans waiting for an ancestor, as the translation holds them.
func TestGaugesOfTheTranslationState(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	require.NoError(t, cfg.Validate())
	set, tel := settings(t)
	tr, err := newTranslation(cfg)
	require.NoError(t, err)
	c, err := newCore(context.Background(), cfg, set, tr)
	require.NoError(t, err)
	require.NoError(t, c.start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, c.shutdown(context.Background())) }()

	turn := map[string]any{"mindlytics.event": "turn", "mindlytics.turn.user": "q", "mindlytics.turn.assistant": "a"}
	withIDs := map[string]any{"session.id": "s1", "user.id": "u1", "gen_ai.conversation.id": "c1"}
	for k, v := range turn {
		withIDs[k] = v
	}
	require.NoError(t, c.consumeTraces(context.Background(), spansOf(pcommon.TraceID{21}, pdataSpec{1, 0, "turn", 0, time.Second, withIDs})))
	// A turn under a parent still to come, without ids: it waits.
	require.NoError(t, c.consumeTraces(context.Background(), spansOf(pcommon.TraceID{22}, pdataSpec{2, 9, "turn", 0, time.Second, turn})))

	// The in-memory sending queue's intake translates after consume returns.
	require.Eventually(t, func() bool { s := tr.Stats(); return s.OpenSessions == 1 && s.WaitingSpans == 1 }, 5*time.Second, time.Millisecond)
	point := func(v int64) []metricdata.DataPoint[int64] { return []metricdata.DataPoint[int64]{{Value: v}} }
	metadatatest.AssertEqualExporterMindlyticsSessionsOpen(t, tel, point(1), metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualExporterMindlyticsConversationsOpen(t, tel, point(1), metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualExporterMindlyticsSpansWaiting(t, tel, point(1), metricdatatest.IgnoreTimestamp())
}
