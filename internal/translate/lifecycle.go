package translate

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// session is an open Mindlytics session.
type session struct {
	id           string
	user, device string    // the latest known, for the events that end it
	lastAt       time.Time // the time of its latest event
	lastSeen     time.Time // when the translator last saw one of its spans
	// conv is its first open conversation; more, once there is more than
	// one (most sessions have one: no map for them).
	conv *conversation
	more map[string]*conversation
	// spare is room for its first conversation, allocated with the session
	// (sessionAlloc): one object for the GC to mark, not two, for most.
	spare *conversation
	order lruLinks[session] // in Translator.sessOrder
	// joined: another service started the session and will end it; this
	// translator sends neither, for the session or its conversations.
	joined bool
}

// conversation is an open conversation of a session.
type conversation struct {
	id       string
	sess     *session
	lastAt   time.Time
	lastSeen time.Time
	order    lruLinks[conversation] // in Translator.convOrder
}

// sessionAlloc is a session and the room for its first conversation, in
// one allocation.
type sessionAlloc struct {
	s session
	c conversation
}

func (s *session) links() *lruLinks[session]           { return &s.order }
func (c *conversation) links() *lruLinks[conversation] { return &c.order }

// findConv returns the session's open conversation id, nil if none.
func (s *session) findConv(id string) *conversation {
	if s.conv != nil && s.conv.id == id {
		return s.conv
	}
	return s.more[id]
}

// addConv adds an open conversation to the session.
func (s *session) addConv(c *conversation) {
	if s.conv == nil {
		s.conv = c
		return
	}
	if s.more == nil {
		s.more = make(map[string]*conversation, 1)
	}
	s.more[c.id] = c
}

// dropConv takes a conversation out of the session.
func (s *session) dropConv(c *conversation) {
	if s.conv == c {
		s.conv = nil
		for id, m := range s.more { // one of the others takes its place
			s.conv = m
			delete(s.more, id)
			break
		}
		return
	}
	delete(s.more, c.id)
}

// convs lists the session's open conversations, in no order.
func (s *session) convs() []*conversation {
	if s.conv == nil {
		return nil
	}
	out := make([]*conversation, 0, 1+len(s.more))
	out = append(out, s.conv)
	for _, c := range s.more {
		out = append(out, c)
	}
	return out
}

func identityAt(r *record, at time.Time) mindlytics.Identity {
	return mindlytics.Identity{SessionID: r.id[fSession], UserID: r.id[fUser], DeviceID: r.id[fDevice], Time: at}
}

func (s *session) identityAt(at time.Time) mindlytics.Identity {
	return mindlytics.Identity{SessionID: s.id, UserID: s.user, DeviceID: s.device, Time: at}
}

// needsConversation says whether the record's event belongs to a
// conversation: every conversation event does, a track event when it has a
// conversation id.
func needsConversation(r *record) bool {
	switch r.kind {
	case sc.EventTurn, sc.EventUsage, sc.EventFunction, sc.EventConversationStart, sc.EventConversationEnd:
		return true
	case sc.EventTrack:
		return r.id[fConversation] != "" || r.conversational
	}
	return false
}

// apply applies the lifecycle rule (see Lifecycle in doc.go) to one record and appends its events to out: the
// session's start and the conversation's start when they are new, then the
// record's own event. Every event is built (and so validated) before any
// state changes, so a record that fails leaves no trace. Callers hold t.mu.
func (t *Translator) apply(r *record, now time.Time, out []mindlytics.Event) ([]mindlytics.Event, error) {
	sess := t.sessions[r.id[fSession]]
	pending := t.pending[:0]
	// A joined session is started and ended by the service that owns it;
	// once this translator sees a span of the owner itself, it is owned
	// here too (one pipeline for both services) and starts what it lacks.
	joined := r.joined
	if sess != nil {
		joined = sess.joined && r.joined
	}
	if (sess == nil || sess.joined) && !joined {
		var attrs mindlytics.Properties
		if r.kind == sc.EventSessionStart {
			attrs = r.attrs
		}
		ev, err := mindlytics.StartSession(identityAt(r, r.begin), attrs)
		if err != nil {
			return out, fmt.Errorf("start_session: %w", err)
		}
		pending = append(pending, ev)
	}
	var convID string
	var conv *conversation
	if needsConversation(r) {
		convID = r.id[fConversation]
		if convID == "" {
			convID = r.id[fSession] // the session's default conversation
		}
		if sess != nil {
			conv = sess.findConv(convID)
		}
		if conv == nil && !joined {
			var props, attrs mindlytics.Properties
			if r.kind == sc.EventConversationStart {
				props, attrs = r.props, r.attrs
			}
			ev, err := mindlytics.ConversationStarted(identityAt(r, r.begin), convID, props, attrs)
			if err != nil {
				return out, fmt.Errorf("%s: %w", mindlytics.EventConversationStarted, err)
			}
			pending = append(pending, ev)
		}
	}
	own, hasOwn, err := t.ownEvent(r, convID)
	if err != nil {
		return out, fmt.Errorf("%s: %w", r.kind, err)
	}
	t.pending = pending[:0] // keep the grown scratch space

	// Commit.
	if sess == nil {
		out = t.openSession(r.id[fSession], &sess, out)
	}
	sess.joined = joined
	sess.touch(r, now)
	t.sessOrder.moveToBack(sess)
	if convID != "" {
		if conv == nil {
			out = t.openConversation(sess, convID, &conv, out)
		}
		conv.lastAt = later(conv.lastAt, r.at)
		conv.lastSeen = now
		t.convOrder.moveToBack(conv)
	}
	out = append(out, pending...)
	switch r.kind {
	case sc.EventSessionEnd:
		out = t.endConversations(sess, r.at, time.Time{}, out)
		out = append(out, own)
		t.removeSession(sess)
	case sc.EventConversationEnd:
		out = append(out, own)
		t.removeConversation(conv)
	default:
		if hasOwn {
			out = append(out, own)
		}
	}
	return out, nil
}

// ownEvent builds the record's own event; explicit starts have none beyond
// the start apply makes when the session or conversation is new.
func (t *Translator) ownEvent(r *record, convID string) (mindlytics.Event, bool, error) {
	id := identityAt(r, r.at)
	var ev mindlytics.Event
	var err error
	switch r.kind {
	case sc.EventSessionStart, sc.EventConversationStart:
		return ev, false, nil
	case sc.EventSessionEnd:
		ev, err = mindlytics.EndSession(id, r.attrs)
	case sc.EventConversationEnd:
		ev, err = mindlytics.ConversationEnded(id, convID, r.props, r.attrs)
	case sc.EventTurn:
		turn := r.turn
		turn.AssistantID = r.id[fAgent]
		ev, err = compactTurn(id, convID, turn)
	case sc.EventUsage:
		ev, err = compactUsage(id, convID, r.usage)
	case sc.EventFunction:
		ev, err = compactCall(id, convID, r.call)
	case sc.EventTrack:
		ev, err = mindlytics.Track(id, convID, r.name, r.props)
	case sc.EventIdentify:
		if r.id[fUser] == "" {
			return ev, false, errors.New("identify needs a user id")
		}
		ev, err = mindlytics.Identify(id, r.id[fUser], r.id[fDevice], r.traits)
	case sc.EventAlias:
		if r.id[fUser] == "" {
			return ev, false, errors.New("alias needs a user id")
		}
		ev, err = mindlytics.Alias(id, r.id[fUser], r.previousID)
	default:
		return ev, false, fmt.Errorf("unknown kind %q", r.kind)
	}
	return ev, err == nil, err
}

func (s *session) touch(r *record, now time.Time) {
	if r.id[fUser] != "" {
		s.user = r.id[fUser]
	}
	if r.id[fDevice] != "" {
		s.device = r.id[fDevice]
	}
	s.lastAt = later(s.lastAt, r.at)
	s.lastSeen = now
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// earlier returns the earlier of a and limit; a zero limit is no limit.
func earlier(a, limit time.Time) time.Time {
	if !limit.IsZero() && limit.Before(a) {
		return limit
	}
	return a
}

// openSession adds a session, first ending the least recently active ones
// while the cap is reached.
func (t *Translator) openSession(id string, sess **session, out []mindlytics.Event) []mindlytics.Event {
	for len(t.sessions) >= t.cfg.MaxOpenSessions {
		out = t.endSession(t.sessOrder.front(), time.Time{}, out)
	}
	a := &sessionAlloc{s: session{id: id}}
	s := &a.s
	s.spare = &a.c
	t.sessOrder.pushBack(s)
	t.sessions[id] = s
	*sess = s
	return out
}

func (t *Translator) openConversation(s *session, id string, conv **conversation, out []mindlytics.Event) []mindlytics.Event {
	for t.nConvs >= t.cfg.MaxOpenConversations {
		c := t.convOrder.front()
		out = t.endConversation(c, c.lastAt, out)
	}
	c := s.spare
	if c != nil {
		s.spare = nil
		*c = conversation{id: id, sess: s}
	} else {
		c = &conversation{id: id, sess: s}
	}
	t.convOrder.pushBack(c)
	s.addConv(c)
	t.nConvs++
	*conv = c
	return out
}

// endSession ends an idle, evicted or remaining session: its conversations,
// each at its last activity, then the session at its own, none later than
// limit (unless limit is zero).
func (t *Translator) endSession(s *session, limit time.Time, out []mindlytics.Event) []mindlytics.Event {
	if s.joined { // the owning service ends it: only forget it here
		t.removeSession(s)
		return out
	}
	out = t.endConversations(s, time.Time{}, limit, out)
	if ev, err := mindlytics.EndSession(s.identityAt(earlier(s.lastAt, limit)), nil); err == nil {
		out = append(out, ev)
	}
	t.removeSession(s)
	return out
}

// endConversations ends every open conversation of s, in the order they were
// last active, at time at (zero: each at its last activity, but not later
// than limit when limit is set).
func (t *Translator) endConversations(s *session, at, limit time.Time, out []mindlytics.Event) []mindlytics.Event {
	convs := s.convs()
	if len(convs) == 0 {
		return out
	}
	slices.SortFunc(convs, func(a, b *conversation) int {
		if c := a.lastAt.Compare(b.lastAt); c != 0 {
			return c
		}
		return compareStrings(a.id, b.id)
	})
	for _, c := range convs {
		end := at
		if end.IsZero() {
			end = earlier(c.lastAt, limit)
		}
		out = t.endConversation(c, end, out)
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *Translator) endConversation(c *conversation, at time.Time, out []mindlytics.Event) []mindlytics.Event {
	// The ids were validated when the conversation started; this cannot fail.
	if c.sess.joined {
		// The owning service ends it.
	} else if ev, err := mindlytics.ConversationEnded(c.sess.identityAt(at), c.id, nil, nil); err == nil {
		out = append(out, ev)
	}
	t.removeConversation(c)
	return out
}

func (t *Translator) removeConversation(c *conversation) {
	if c.order.in {
		t.convOrder.remove(c)
		t.nConvs--
	}
	c.sess.dropConv(c)
}

func (t *Translator) removeSession(s *session) {
	for s.conv != nil {
		t.removeConversation(s.conv)
	}
	t.sessOrder.remove(s)
	delete(t.sessions, s.id)
}
