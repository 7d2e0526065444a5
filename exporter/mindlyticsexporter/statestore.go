package mindlyticsexporter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Persistence of the lifecycle state. With sending_queue::storage set, the
// open sessions and conversations live in that storage extension next to
// the queued events (under their own client, named stateClientName): after
// a crash, the next start resumes them (no second start_session) and ends
// them by the usual rules (idle expiry, end_on_shutdown).

const (
	// stateClientName names the storage client of the lifecycle state.
	stateClientName = "lifecycle"
	// stateKey is the one key the state is kept under.
	stateKey = "open_sessions"
	// stateSaveInterval bounds how long a change to the last activity of
	// open sessions waits to be saved; opening or ending a session or a
	// conversation is saved at once.
	stateSaveInterval = time.Second
)

// lifecycleState is what persistence needs of a translation; the real one
// has it (translate.Translator's Snapshot and Restore).
type lifecycleState interface {
	Snapshot() ([]byte, error)
	Restore([]byte) error
}

func (tr translator) Snapshot() ([]byte, error) { return tr.t.Snapshot() }
func (tr translator) Restore(b []byte) error    { return tr.t.Restore(b) }

// stateStore keeps the lifecycle state in a storage client. Its methods are
// called with core.mu held.
type stateStore struct {
	client    storage.Client
	tr        lifecycleState
	logger    *zap.Logger
	lastSaved time.Time
	dirty     bool
}

// openStateStore returns nil when no storage is configured (or the
// translation keeps no state), else the store, with the state it holds
// restored into tr.
func openStateStore(ctx context.Context, cfg *Config, host component.Host, id component.ID, tr translation, logger *zap.Logger) (*stateStore, error) {
	q := cfg.QueueConfig.Get()
	ls, ok := tr.(lifecycleState)
	if q == nil || q.StorageID == nil || !ok {
		return nil, nil
	}
	ext, found := host.GetExtensions()[*q.StorageID]
	if !found {
		return nil, fmt.Errorf("mindlytics exporter: sending_queue::storage: no extension %s", q.StorageID)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("mindlytics exporter: sending_queue::storage: %s is not a storage extension", q.StorageID)
	}
	client, err := se.GetClient(ctx, component.KindExporter, id, stateClientName)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: lifecycle state storage: %w", err)
	}
	s := &stateStore{client: client, tr: ls, logger: logger}
	data, err := client.Get(ctx, stateKey)
	switch {
	case err != nil:
		logger.Warn("Could not read the lifecycle state kept before; open sessions of the previous run are forgotten", zap.Error(err))
	case len(data) > 0:
		if err := ls.Restore(data); err != nil {
			logger.Warn("Could not restore the lifecycle state kept before; open sessions of the previous run are forgotten", zap.Error(err))
		} else {
			logger.Info("Resumed the open sessions of the previous run", zap.Int("bytes", len(data)))
		}
	}
	return s, nil
}

// changed notes the events just queued: one that opens or ends a session
// or a conversation is saved at once, other activity within
// stateSaveInterval.
func (s *stateStore) changed(ctx context.Context, events []compact.Event) {
	if s == nil || len(events) == 0 {
		return
	}
	s.dirty = true
	if structural(events) || time.Since(s.lastSaved) >= stateSaveInterval {
		s.save(ctx)
	}
}

// tick saves what changed since the last save.
func (s *stateStore) tick(ctx context.Context) {
	if s != nil && s.dirty {
		s.save(ctx)
	}
}

func (s *stateStore) save(ctx context.Context) {
	data, err := s.tr.Snapshot()
	if err == nil {
		err = s.client.Set(ctx, stateKey, data)
	}
	if err != nil {
		s.logger.Warn("Could not save the lifecycle state", zap.Error(err))
		return
	}
	s.dirty = false
	s.lastSaved = time.Now()
}

// close saves the state a last time and closes the client.
func (s *stateStore) close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	s.save(ctx)
	return errors.Join(s.client.Close(ctx))
}

func structural(events []compact.Event) bool {
	for i := range events {
		ev := &events[i].Event
		switch {
		case ev.Type == mindlytics.TypeStartSession, ev.Type == mindlytics.TypeEndSession,
			ev.Event == mindlytics.EventConversationStarted, ev.Event == mindlytics.EventConversationEnded:
			return true
		}
	}
	return false
}
