package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// diskCopy is everything a SIGKILL would leave on disk now: the sending
// queue's entries and the lifecycle state.
func (m *memStorage) diskCopy() *memStorage {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := newMemStorage()
	for k, v := range m.data {
		c.data[k] = maps.Clone(v)
	}
	return c
}

func startOn(t *testing.T, cfg *Config, st *memStorage) exporter.Traces {
	t.Helper()
	set, _ := settings(t)
	te, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, te.Start(context.Background(), storageHost{storageID, st}))
	return te
}

// TestDurableQueueSendsTheOldestFirstAfterACrash: the service is down, the
// first request is being retried and two more wait behind it when the
// collector dies. After the restart the first goes first: each session
// starts before its other events, and nothing comes twice.
func TestDurableQueueSendsTheOldestFirstAfterACrash(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.Down(time.Hour)
	cfg := persistentConfig(srv)
	cfg.Lifecycle.EndOnShutdown = false
	st := newMemStorage()
	te := startOn(t, cfg, st)
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{1}, sessionSpan("s1", 1, 0), sessionSpan("s2", 2, 0))))
	require.Eventually(t, func() bool { return len(srv.Requests()) >= 2 }, 10*time.Second, 5*time.Millisecond, "the first request is retried")
	for i := range 2 {
		require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{byte(2 + i)},
			sessionSpan("s1", byte(3+2*i), time.Duration(i+1)*time.Second), sessionSpan("s2", byte(4+2*i), time.Duration(i+1)*time.Second))))
	}
	crash := st.diskCopy()
	require.NoError(t, te.Shutdown(context.Background()))
	require.Empty(t, srv.Events())

	srv.Down(0)
	// No ends at this shutdown: the last activity they would be stamped
	// with is saved within a second (statestore.go), not at every batch.
	te = startOn(t, cfg, crash)
	// 2 sessions × (start, conversation, 3 usages)
	_, err := srv.WaitForEvents(context.Background(), 10)
	require.NoError(t, err)
	require.NoError(t, te.Shutdown(context.Background()))
	for _, sid := range []string{"s1", "s2"} {
		evs := srv.SessionEvents(sid)
		require.NotEmpty(t, evs)
		assert.Equal(t, mindlytics.TypeStartSession, evs[0].Type, "session %s starts first", sid)
	}
	assert.Len(t, srv.Events(), 10, "each event once")
	assert.Empty(t, srv.Violations())
}

// TestDurableQueueFullRefusesBeforeTheTranslation: a full queue refuses a
// batch before translating it, so the batch sent again once there is room
// makes the same events, its session's start_session included.
func TestDurableQueueFullRefusesBeforeTheTranslation(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.Down(time.Hour)
	cfg := persistentConfig(srv)
	cfg.QueueConfig.Get().QueueSize = 1
	te := startOn(t, cfg, newMemStorage())
	defer func() { require.NoError(t, te.Shutdown(context.Background())) }()

	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{1}, sessionSpan("s1", 1, 0))))
	second := spansOf(pcommon.TraceID{2}, sessionSpan("s2", 2, 0))
	require.ErrorIs(t, te.ConsumeTraces(context.Background(), second), exporterhelper.ErrQueueIsFull)

	srv.Down(0)
	_, err := srv.WaitForEvents(context.Background(), 3)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return te.ConsumeTraces(context.Background(), second) == nil }, 10*time.Second, 10*time.Millisecond)
	_, err = srv.WaitForEvents(context.Background(), 6)
	require.NoError(t, err)
	evs := srv.SessionEvents("s2")
	require.NotEmpty(t, evs)
	assert.Equal(t, mindlytics.TypeStartSession, evs[0].Type, "the retried batch starts its session")
	assert.Empty(t, srv.Violations())
}

// TestDurableQueueDeletesSettledGroupsInOrder: groups are sent side by
// side and may settle out of order; an entry is deleted only once every
// entry before it is settled, so that after a crash the oldest unsettled
// request still goes first.
func TestDurableQueueDeletesSettledGroupsInOrder(t *testing.T) {
	st := newMemStorage()
	client, err := st.GetClient(context.Background(), component.KindExporter, component.MustNewID("mindlytics"), durableClientName)
	require.NoError(t, err)
	q := &durableQueue{client: client, logger: zap.NewNop(), settled: map[uint64]settledGroup{},
		more: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	ev := []json.RawMessage{json.RawMessage(`{"type":"track"}`)}
	for range 4 {
		require.NoError(t, q.put(context.Background(), ev, 3))
	}
	stored := func() []uint64 {
		var at []uint64
		for i := range uint64(4) {
			if data, err := client.Get(context.Background(), durableEntryKey(i)); err == nil && data != nil {
				at = append(at, i)
			}
		}
		return at
	}
	q.settle(1, 2, append(ev, ev...)) // entries 1 and 2, before entry 0
	assert.Equal(t, []uint64{0, 1, 2, 3}, stored(), "nothing deleted while entry 0 is unsettled")
	assert.Equal(t, uint64(0), q.meta.Head)
	q.settle(0, 1, ev)
	assert.Equal(t, []uint64{3}, stored(), "0, then the groups settled after it")
	assert.Equal(t, durableMeta{Head: 3, Tail: 4, Items: 1, Bytes: int64(len(ev[0]))}, q.meta)
	assert.Empty(t, q.settled)
}

// TestDurableQueueCountsSentSpans: exporterhelper reports a group's items
// as otelcol_exporter_sent_spans; the durable queue's groups carry the
// spans their events were made from, so sent spans equal the spans
// consumed, not the events (here 3 spans make 5 events: a session's and a
// conversation's starts, two model calls, and nothing for a plain span).
func TestDurableQueueCountsSentSpans(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	set, tel := settings(t)
	te, err := NewFactory().CreateTraces(context.Background(), set, persistentConfig(srv))
	require.NoError(t, err)
	require.NoError(t, te.Start(context.Background(), storageHost{storageID, newMemStorage()}))
	defer func() { require.NoError(t, te.Shutdown(context.Background())) }()

	plain := pdataSpec{9, 0, "GET /health", 0, time.Second, map[string]any{"session.id": "s1"}}
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{1},
		sessionSpan("s1", 1, 0), sessionSpan("s1", 2, time.Second), plain)))
	_, err = srv.WaitForEvents(testkit.Context(t, testkit.Wait), 4)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return sumOf(t, tel, "otelcol_exporter_sent_spans") == 3 }, testkit.Wait, 5*time.Millisecond,
		"sent_spans %d, want the 3 spans consumed (%d events arrived)", sumOf(t, tel, "otelcol_exporter_sent_spans"), len(srv.Events()))
	assert.NotEqual(t, 3, len(srv.Events()), "the test needs events and spans to differ")
}
