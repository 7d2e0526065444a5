package mindlyticstest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Session is what the server knows of one session, from the events it
// accepted.
type Session struct {
	ID string
	// UserID and DeviceID are the last ones the session's events gave.
	UserID, DeviceID string
	// Started and Ended say whether a start_session and an end_session were
	// accepted.
	Started, Ended bool
	// Events counts the session's accepted events.
	Events int
	// Conversations lists the conversations started in the session, in
	// order; OpenConversations those of them not ended yet.
	Conversations, OpenConversations []string
}

// Sessions returns the sessions of the accepted events, in the order their
// first event arrived.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, len(s.sessions.order))
	for _, st := range s.sessions.order {
		out = append(out, st.view())
	}
	return out
}

// Violations returns the order violations seen in the accepted events, in
// arrival order: events before their session's start_session, a session
// started twice, events after their session's end_session, conversation
// events before their conversation's "Conversation Started" or after its
// "Conversation Ended", and timestamps going backwards within a session. The
// service's handling of these is undocumented, so the server accepts such
// events; an exporter that orders its events right leaves this empty.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// sessions tracks the lifecycle of every session seen.
type sessions struct {
	byID  map[string]*sessionState
	order []*sessionState
}

func (ss *sessions) get(id string) *sessionState {
	if st, ok := ss.byID[id]; ok {
		return st
	}
	if ss.byID == nil {
		ss.byID = make(map[string]*sessionState)
	}
	st := &sessionState{id: id, convs: make(map[string]*conversationState)}
	ss.byID[id] = st
	ss.order = append(ss.order, st)
	return st
}

type sessionState struct {
	id               string
	userID, deviceID string
	started, ended   bool
	events           int
	last             time.Time // latest event time so far
	convs            map[string]*conversationState
	convOrder        []*conversationState
}

type conversationState struct {
	id             string
	started, ended bool
	// props are the properties given at the start, merged into those of the
	// end.
	props mindlytics.Properties
}

func (st *sessionState) conversation(id string) *conversationState {
	c, ok := st.convs[id]
	if !ok {
		c = &conversationState{id: id}
		st.convs[id] = c
	}
	return c
}

// observe applies one accepted event to the session. It returns the order
// violations the event commits and, for an end_session, the conversations it
// ends.
// A stateless server (WithStateless) expects no starts: sessions and
// conversations begin with their first event.
func (st *sessionState) observe(ev mindlytics.Event, at time.Time, stateless bool) (violations []string, ended []*conversationState) {
	flag := func(format string, args ...any) {
		violations = append(violations, fmt.Sprintf("session %q: %s at %s: %s",
			st.id, ev.Kind(), wire.FormatTimestamp(at), fmt.Sprintf(format, args...)))
	}
	if at.Before(st.last) {
		flag("earlier than the session's previous event (%s)", wire.FormatTimestamp(st.last))
	} else {
		st.last = at
	}
	st.events++
	switch {
	case ev.Type == mindlytics.TypeStartSession && st.started:
		flag("the session was started already")
	case ev.Type != mindlytics.TypeStartSession && !st.started && !stateless:
		flag("before the session's start_session")
	}
	if st.ended {
		flag("after the session's end_session")
	}
	st.noteIdentity(ev)

	switch ev.Type {
	case mindlytics.TypeStartSession:
		st.started = true
	case mindlytics.TypeEndSession:
		st.ended = true
		for _, c := range st.convOrder {
			if !c.ended {
				c.ended = true
				ended = append(ended, c)
			}
		}
	case mindlytics.TypeTrack:
		st.observeConversation(ev, flag, stateless)
	}
	return violations, ended
}

func (st *sessionState) noteIdentity(ev mindlytics.Event) {
	switch ev.Type {
	case mindlytics.TypeStartSession, mindlytics.TypeIdentify, mindlytics.TypeAlias:
		if ev.ID != "" {
			st.userID = ev.ID
		}
	}
	if ev.UserID != "" {
		st.userID = ev.UserID
	}
	if ev.DeviceID != "" {
		st.deviceID = ev.DeviceID
	}
}

func (st *sessionState) observeConversation(ev mindlytics.Event, flag func(string, ...any), stateless bool) {
	switch ev.Event {
	case mindlytics.EventConversationStarted:
		c := st.conversation(ev.ConversationID)
		if c.started {
			flag("conversation %q was started already", c.id)
			return
		}
		c.started, c.props = true, maps.Clone(ev.Properties)
		st.convOrder = append(st.convOrder, c)
	case mindlytics.EventConversationEnded, mindlytics.EventConversationTurn,
		mindlytics.EventConversationUsage, mindlytics.EventConversationFunction:
		c := st.conversation(ev.ConversationID)
		if !c.started && stateless {
			c.started = true // made on the fly
			st.convOrder = append(st.convOrder, c)
		}
		switch {
		case !c.started:
			flag("before conversation %q's Conversation Started", c.id)
		case c.ended:
			flag("after conversation %q's Conversation Ended", c.id)
		}
		if ev.Event == mindlytics.EventConversationEnded {
			c.ended = true
		}
	}
}

func (st *sessionState) view() Session {
	v := Session{
		ID: st.id, UserID: st.userID, DeviceID: st.deviceID,
		Started: st.started, Ended: st.ended, Events: st.events,
	}
	for _, c := range st.convOrder {
		v.Conversations = append(v.Conversations, c.id)
		if !c.ended {
			v.OpenConversations = append(v.OpenConversations, c.id)
		}
	}
	return v
}
