package instrument

import (
	"context"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// StartSession starts a session: its start event (with cfg.Attributes, at
// cfg.Timestamp) and, with cfg.OnEvent, its live events. It returns a
// context carrying the session ([ContextWithSession]). Invalid
// configuration (no id, neither user nor device id, an id over 100
// characters, a non-scalar attribute) is an error wrapping [ErrInvalid],
// as is starting a session that is started and not ended.
func (c *Client) StartSession(ctx context.Context, cfg SessionConfig) (context.Context, *Session, error) {
	const call = "StartSession"
	s, err := c.newSession(cfg, call)
	if err != nil {
		return ctx, nil, err
	}
	if _, err := c.register(s, false); err != nil {
		return ctx, nil, err
	}
	if cfg.OnEvent != nil {
		s.live = c.startLive(s, cfg)
	}
	a, _ := s.begin(1 + len(cfg.Attributes))
	a = append(a, sc.MindlyticsEvent(sc.EventSessionStart))
	a = appendGroup(a, sc.Attribute, cfg.Attributes)
	c.emit(ctx, conventions.SpanNameSessionStart, cfg.Timestamp, cfg.Timestamp, a)
	return ContextWithSession(ctx, s), s, nil
}

// JoinSession takes part in a session started elsewhere (another request,
// another service): no start event is sent, and the session is not ended
// when this process is done with it unless [Session.End] is called. A live
// session of the same id already joined or started by this client is
// returned, its user or device id updated when cfg gives them.
// cfg.Attributes and cfg.Timestamp are not used. The net/http middleware
// joins sessions this way.
func (c *Client) JoinSession(ctx context.Context, cfg SessionConfig) (context.Context, *Session, error) {
	return c.joinSession(ctx, cfg, false)
}

// joinSession is JoinSession; ownedUpstream marks a session that a calling
// service started and will end.
func (c *Client) joinSession(ctx context.Context, cfg SessionConfig, ownedUpstream bool) (context.Context, *Session, error) {
	s, err := c.newSession(cfg, "JoinSession")
	if err != nil {
		return ctx, nil, err
	}
	if ownedUpstream {
		s.joined = true
		s.refreshIdentityLocked()
	}
	s, err = c.register(s, true)
	if err != nil {
		return ctx, nil, err
	}
	if cfg.OnEvent != nil && s.live == nil {
		s.live = c.startLive(s, cfg)
	}
	return ContextWithSession(ctx, s), s, nil
}

// register remembers s for routing its errors. With join, a live session
// of the same id is kept (and returned) instead; without, it is an error.
func (c *Client) register(s *Session, join bool) (*Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shutdown {
		return nil, errShutdown
	}
	if old := c.sessions[s.id]; old != nil && !old.isEnded() {
		if !join {
			return nil, invalid("StartSession", "session %s is started already", s.id)
		}
		s.mu.Lock()
		user, device := s.user, s.device
		s.mu.Unlock()
		old.mu.Lock()
		if user != "" {
			old.user = user
		}
		if device != "" {
			old.device = device
		}
		old.refreshIdentityLocked()
		old.mu.Unlock()
		return old, nil
	}
	if len(c.sessions) >= maxSessions {
		for id, old := range c.sessions {
			if old.isEnded() {
				delete(c.sessions, id)
			}
		}
	}
	c.sessions[s.id] = s
	return s, nil
}
