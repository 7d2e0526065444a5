package translate

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/translate/openstate"
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
	o := &t.open
	// A time last seen is written as now less its age on the monotonic
	// clock: right across a step of the wall clock since New.
	now := t.now()
	nowSeen := o.Seen(now)
	seenAt := func(seen int64) time.Time { return now.Add(-time.Duration(nowSeen - seen)) }
	snap := snapshot{Version: snapshotVersion, Sessions: make([]snapSession, 0, o.Sessions.Len)}
	for sh := o.SessionOrder.Head; sh != 0; sh = o.Sessions.Next(sh) {
		s := o.Session(sh)
		ss := snapSession{ID: o.IDs.Str(s.ID), User: o.IDs.Str(s.User), Device: o.IDs.Str(s.Device),
			LastAt: s.LastAt.Time(), LastSeen: seenAt(s.LastSeen), Joined: s.Joined}
		for ch := s.LatestConv; ch != 0; ch = o.Conv(ch).NextInSession {
			c := o.Conv(ch)
			ss.Convs = append(ss.Convs, snapConv{ID: o.IDs.Str(c.ID), LastAt: c.LastAt.Time(), LastSeen: seenAt(c.LastSeen)})
		}
		slices.SortFunc(ss.Convs, func(a, b snapConv) int { return strings.Compare(a.ID, b.ID) })
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
	o := &t.open
	if o.Sessions.Len > 0 {
		return errors.New("translate: restoring the lifecycle state: the translator already has open sessions")
	}
	var all []openstate.Handle
	for _, ss := range snap.Sessions {
		sh := o.OpenSession(ss.ID)
		o.SetUser(sh, ss.User)
		o.SetDevice(sh, ss.Device)
		s := o.Session(sh)
		s.LastAt, s.LastSeen, s.Joined = openstate.WallOf(ss.LastAt), o.Seen(ss.LastSeen), ss.Joined
		for _, sc := range ss.Convs {
			ch := o.OpenConv(sh, sc.ID)
			c := o.Conv(ch)
			c.LastAt, c.LastSeen = openstate.WallOf(sc.LastAt), o.Seen(sc.LastSeen)
			all = append(all, ch)
		}
	}
	// Conversations least recently seen first, as apply keeps them.
	slices.SortStableFunc(all, func(a, b openstate.Handle) int { return cmp.Compare(o.Conv(a).LastSeen, o.Conv(b).LastSeen) })
	for _, ch := range all {
		o.Convs.MoveToBack(&o.ConvOrder, ch)
	}
	return nil
}
