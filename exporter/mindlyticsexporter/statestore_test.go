package mindlyticsexporter

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// memStorage is a storage extension in memory: what the file_storage
// extension keeps on disk. Its clients of one (kind, id, name) share their
// data, as a restarted collector finds its files.
type memStorage struct {
	component.StartFunc
	component.ShutdownFunc
	mu   sync.Mutex
	data map[string]map[string][]byte
}

func newMemStorage() *memStorage { return &memStorage{data: map[string]map[string][]byte{}} }

func (m *memStorage) GetClient(_ context.Context, kind component.Kind, id component.ID, name string) (storage.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := kind.String() + "/" + id.String() + "/" + name
	if m.data[key] == nil {
		m.data[key] = map[string][]byte{}
	}
	return &memClient{m: m, data: m.data[key]}, nil
}

// crashCopy is the lifecycle state a SIGKILL would leave on disk now. The
// persistent queue's records are left out: a request sent but not yet
// removed from them would be sent again after the restart (at least once,
// see docs/RELIABILITY.md), which is not what these tests are about.
func (m *memStorage) crashCopy() *memStorage {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := newMemStorage()
	for k, v := range m.data {
		if strings.HasSuffix(k, "/"+stateClientName) {
			c.data[k] = maps.Clone(v)
		}
	}
	return c
}

type memClient struct {
	m    *memStorage
	data map[string][]byte
}

func (c *memClient) Get(ctx context.Context, key string) ([]byte, error) {
	op := storage.GetOperation(key)
	err := c.Batch(ctx, op)
	return op.Value, err
}

func (c *memClient) Set(ctx context.Context, key string, value []byte) error {
	return c.Batch(ctx, storage.SetOperation(key, value))
}

func (c *memClient) Delete(ctx context.Context, key string) error {
	return c.Batch(ctx, storage.DeleteOperation(key))
}

func (c *memClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			if v, ok := c.data[op.Key]; ok {
				op.Value = append([]byte(nil), v...)
			} else {
				op.Value = nil
			}
		case storage.Set:
			c.data[op.Key] = append([]byte(nil), op.Value...)
		case storage.Delete:
			delete(c.data, op.Key)
		}
	}
	return nil
}

func (c *memClient) Close(context.Context) error { return nil }

// storageHost is a host with one storage extension.
type storageHost struct {
	id  component.ID
	ext *memStorage
}

func (h storageHost) GetExtensions() map[component.ID]component.Component {
	return map[component.ID]component.Component{h.id: h.ext}
}

var storageID = component.MustNewID("file_storage")

func persistentConfig(srv *mindlyticstest.Server) *Config {
	cfg := testConfig(srv)
	cfg.QueueConfig.Get().StorageID = &storageID
	return cfg
}

func sessionSpan(sid string, id byte, at time.Duration) pdataSpec {
	return pdataSpec{id, 0, "chat gpt-4o", at, at + time.Second, map[string]any{
		"session.id": sid, "user.id": "u1", "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
		"gen_ai.usage.input_tokens": 3, "gen_ai.usage.output_tokens": 2,
	}}
}

// runOnce starts the traces exporter of cfg on st, consumes each batch,
// waits for the server to hold want events, then returns what a crash
// would leave in the storage and shuts the exporter down.
func runOnce(t *testing.T, srv *mindlyticstest.Server, cfg *Config, st *memStorage, want int, batches ...[]pdataSpec) *memStorage {
	t.Helper()
	set, _ := settings(t)
	te, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, te.Start(context.Background(), storageHost{storageID, st}))
	for i, b := range batches {
		require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(pcommon.TraceID{byte(i + 1)}, b...)))
	}
	require.Eventually(t, func() bool { return len(srv.Events()) >= want }, 10*time.Second, 10*time.Millisecond)
	crash := st.crashCopy()
	require.NoError(t, te.Shutdown(context.Background()))
	return crash
}

// TestLifecycleStateSurvivesACrash: with sending_queue::storage, a session
// open when the collector was killed goes on after the restart without a
// second start_session, and is ended in the end.
func TestLifecycleStateSurvivesACrash(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()

	// The first run is killed with session s1 open: start_session,
	// Conversation Started, Conversation Usage. (A graceful shutdown must
	// not end it before the crash copy is compared.)
	cfg := persistentConfig(srv)
	cfg.Lifecycle.EndOnShutdown = false
	crash := runOnce(t, srv, cfg, newMemStorage(), 3, []pdataSpec{sessionSpan("s1", 1, 0)})
	require.Equal(t, 3, len(srv.Events()))

	// The restart resumes it, then ends it at shutdown; a persistent queue
	// keeps those last events for the next start, which sends them.
	runOnce(t, srv, persistentConfig(srv), crash, 4, []pdataSpec{sessionSpan("s1", 2, 5*time.Second)})
	runOnce(t, srv, persistentConfig(srv), crash, 6)
	require.Eventually(t, func() bool {
		ss := srv.Sessions()
		return len(ss) == 1 && ss[0].Ended
	}, 10*time.Second, 10*time.Millisecond)
	assert.Empty(t, srv.Violations(), "the continuing session was started once")
	ss := srv.Sessions()
	assert.Equal(t, []string{"s1"}, ss[0].Conversations)
	assert.Empty(t, ss[0].OpenConversations)
}

// TestLifecycleStateEndsSessionsIdleSinceTheCrash: a session restored
// after a crash and idle past its timeout is ended by the idle expiry of
// the new run, without any new span.
func TestLifecycleStateEndsSessionsIdleSinceTheCrash(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	cfg := persistentConfig(srv)
	cfg.Lifecycle.EndOnShutdown = false
	crash := runOnce(t, srv, cfg, newMemStorage(), 3, []pdataSpec{sessionSpan("s1", 1, 0)})

	cfg = persistentConfig(srv)
	cfg.Lifecycle.EndOnShutdown = false
	cfg.Lifecycle.SessionIdleTimeout = 100 * time.Millisecond
	cfg.Lifecycle.ConversationIdleTimeout = 100 * time.Millisecond
	cfg.Lifecycle.IdleCheckInterval = 20 * time.Millisecond
	set, _ := settings(t)
	te, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, te.Start(context.Background(), storageHost{storageID, crash}))
	defer func() { require.NoError(t, te.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool {
		ss := srv.Sessions()
		return len(ss) == 1 && ss[0].Ended
	}, 10*time.Second, 10*time.Millisecond, "the restored session was ended by idle expiry")
	assert.Empty(t, srv.Violations())
}
