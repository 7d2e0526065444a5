package translate

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// snapshotVersion is the format of Snapshot's output; Restore refuses others.
const snapshotVersion = 1

type snapshot struct {
	Version  int           `json:"v"`
	Sessions []snapSession `json:"sessions"` // least recently active first
}

type snapSession struct {
	ID       string     `json:"id"`
	User     string     `json:"user,omitempty"`
	Device   string     `json:"device,omitempty"`
	LastAt   time.Time  `json:"last_at"`
	LastSeen time.Time  `json:"last_seen"`
	Convs    []snapConv `json:"convs,omitempty"`
	Joined   bool       `json:"joined,omitempty"`
}

type snapConv struct {
	ID       string    `json:"id"`
	LastAt   time.Time `json:"last_at"`
	LastSeen time.Time `json:"last_seen"`
}

// Snapshot encodes the lifecycle state, the open sessions and
// conversations with their last activity, for [Translator.Restore] in
// another process: a collector that keeps it in storage neither forgets
// its sessions in a crash nor starts a continuing session twice. The trace
// cache is not kept.
func (t *Translator) Snapshot() ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	snap := snapshot{Version: snapshotVersion, Sessions: make([]snapSession, 0, len(t.sessions))}
	for s := t.sessOrder.front(); s != nil; s = t.sessOrder.next(s) {
		ss := snapSession{ID: s.id, User: s.user, Device: s.device, LastAt: s.lastAt, LastSeen: s.lastSeen, Joined: s.joined}
		for _, c := range s.convs() {
			ss.Convs = append(ss.Convs, snapConv{ID: c.id, LastAt: c.lastAt, LastSeen: c.lastSeen})
		}
		slices.SortFunc(ss.Convs, func(a, b snapConv) int { return compareStrings(a.ID, b.ID) })
		snap.Sessions = append(snap.Sessions, ss)
	}
	return json.Marshal(snap)
}

// Restore loads a [Translator.Snapshot] into a translator that has no open
// session yet. The restored sessions go on where they were (no second
// start_session) and end by the usual rules: [Translator.Expire] ends those
// idle for their timeout since they were last seen, [Translator.EndAll]
// the rest. It validates the whole snapshot before changing anything.
func (t *Translator) Restore(data []byte) error {
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("translate: restoring the lifecycle state: %w", err)
	}
	if snap.Version != snapshotVersion {
		return fmt.Errorf("translate: restoring the lifecycle state: unknown version %d", snap.Version)
	}
	seen := make(map[string]bool, len(snap.Sessions))
	for _, ss := range snap.Sessions {
		if ss.ID == "" || seen[ss.ID] {
			return fmt.Errorf("translate: restoring the lifecycle state: empty or repeated session id %q", ss.ID)
		}
		seen[ss.ID] = true
		convs := make(map[string]bool, len(ss.Convs))
		for _, sc := range ss.Convs {
			if sc.ID == "" || convs[sc.ID] {
				return fmt.Errorf("translate: restoring the lifecycle state: empty or repeated conversation id %q in session %q", sc.ID, ss.ID)
			}
			convs[sc.ID] = true
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.sessions) > 0 {
		return errors.New("translate: restoring the lifecycle state: the translator already has open sessions")
	}
	var all []*conversation
	for _, ss := range snap.Sessions {
		s := &session{id: ss.ID, user: ss.User, device: ss.Device, lastAt: ss.LastAt, lastSeen: ss.LastSeen, joined: ss.Joined}
		t.sessOrder.pushBack(s)
		t.sessions[s.id] = s
		for _, sc := range ss.Convs {
			c := &conversation{id: sc.ID, sess: s, lastAt: sc.LastAt, lastSeen: sc.LastSeen}
			s.addConv(c)
			all = append(all, c)
		}
	}
	// Conversations least recently seen first, as apply keeps them.
	slices.SortStableFunc(all, func(a, b *conversation) int { return a.lastSeen.Compare(b.lastSeen) })
	for _, c := range all {
		t.convOrder.pushBack(c)
		t.nConvs++
	}
	return nil
}
