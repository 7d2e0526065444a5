package translate

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	o := &t.open
	// A time last seen is written as now less its age on the monotonic
	// clock: right across a step of the wall clock since New.
	now := t.now()
	nowSeen := o.seen(now)
	seenAt := func(seen int64) time.Time { return now.Add(-time.Duration(nowSeen - seen)) }
	snap := snapshot{Version: snapshotVersion, Sessions: make([]snapSession, 0, o.sess.n)}
	for sh := o.sessOrder.head; sh != 0; sh = o.sess.next(sh) {
		s := o.s(sh)
		ss := snapSession{ID: o.ids.str(s.id), User: o.ids.str(s.user), Device: o.ids.str(s.device),
			LastAt: s.lastAt.time(), LastSeen: seenAt(s.lastSeen), Joined: s.joined}
		for ch := s.conv; ch != 0; ch = o.c(ch).nextInSess {
			c := o.c(ch)
			ss.Convs = append(ss.Convs, snapConv{ID: o.ids.str(c.id), LastAt: c.lastAt.time(), LastSeen: seenAt(c.lastSeen)})
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
	if o.sess.n > 0 {
		return errors.New("translate: restoring the lifecycle state: the translator already has open sessions")
	}
	var all []handle
	for _, ss := range snap.Sessions {
		sh := o.openSession(ss.ID)
		o.setUser(sh, ss.User)
		o.setDevice(sh, ss.Device)
		s := o.s(sh)
		s.lastAt, s.lastSeen, s.joined = wallOf(ss.LastAt), o.seen(ss.LastSeen), ss.Joined
		for _, sc := range ss.Convs {
			ch := o.openConv(sh, sc.ID)
			c := o.c(ch)
			c.lastAt, c.lastSeen = wallOf(sc.LastAt), o.seen(sc.LastSeen)
			all = append(all, ch)
		}
	}
	// Conversations least recently seen first, as apply keeps them.
	slices.SortStableFunc(all, func(a, b handle) int { return cmp.Compare(o.c(a).lastSeen, o.c(b).lastSeen) })
	for _, ch := range all {
		o.convs.moveToBack(&o.convOrder, ch)
	}
	return nil
}
