package instrument

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
)

// maxSessionErrors bounds the errors a session keeps.
const maxSessionErrors = 100

// SessionConfig describes a session for [Client.StartSession] and
// [Client.JoinSession].
type SessionConfig struct {
	// ID is the session id: required, globally unique, 1–100 characters.
	ID string
	// UserID and DeviceID say who is in the session; one of the two is
	// required.
	UserID, DeviceID string
	// ConversationID, when set, is the conversation calls go to when they
	// name none; it is open until ended.
	ConversationID string
	// Attributes are the session's attributes, sent with its start.
	Attributes Properties
	// Timestamp is when the session started, to import past sessions; zero
	// means now.
	Timestamp time.Time
	// OnEvent, when set, receives the service's live events of this session
	// (over the live-events websocket, which reconnects by itself) until
	// the session ends or the client shuts down.
	OnEvent func(mindlytics.LiveEvent)
	// OnError receives this session's errors: events the exporter could not
	// deliver or translate, a service not accepting events (while the
	// retries go on), and, with OnEvent, the service's MLError events. It runs on the exporter's or the live stream's goroutine.
	OnError func(error)
	// WaitForEnd bounds how long [Session.End] waits for the service's
	// "Session Ended" live event when OnEvent is set: default 30 s, negative
	// to not wait.
	WaitForEnd time.Duration
}

// Session is one Mindlytics session: a user's visit, holding
// conversations. Get it from [Client.StartSession] or [Client.JoinSession];
// it is safe for concurrent use. Every call on it is a span of our
// conventions on the client's TracerProvider, a child of the span in the
// context given.
type Session struct {
	c       *Client
	id      string
	onError func(error)
	live    *liveStream

	mu       sync.Mutex
	user     string
	device   string
	open     []string // conversations open, in the order started
	ended    bool
	errs     []error
	identAtt []attribute.KeyValue
	// joined: a calling service owns the session (its baggage said so):
	// this process's spans of it carry mindlytics.session.joined, so that
	// its translation neither starts nor ends the session.
	joined bool
}

func (c *Client) newSession(cfg SessionConfig, call string) (*Session, error) {
	if err := checkKeptID(call, "session id", cfg.ID, true); err != nil {
		return nil, err
	}
	if err := checkID(call, "user id", cfg.UserID, false); err != nil {
		return nil, err
	}
	if err := checkID(call, "device id", cfg.DeviceID, false); err != nil {
		return nil, err
	}
	if cfg.UserID == "" && cfg.DeviceID == "" {
		return nil, invalid(call, "a session needs a user id or a device id")
	}
	if err := checkKeptID(call, "conversation id", cfg.ConversationID, false); err != nil {
		return nil, err
	}
	if err := checkProperties(call, "attributes", cfg.Attributes); err != nil {
		return nil, err
	}
	s := &Session{c: c, id: cfg.ID, onError: cfg.OnError, user: cfg.UserID, device: cfg.DeviceID}
	if cfg.ConversationID != "" {
		s.open = []string{cfg.ConversationID}
	}
	s.refreshIdentityLocked()
	return s, nil
}

// ID returns the session id.
func (s *Session) ID() string { return s.id }

// refreshIdentityLocked rebuilds the identity attributes every span of the
// session carries. s.mu must be held (or s not yet shared).
func (s *Session) refreshIdentityLocked() {
	a := make([]attribute.KeyValue, 0, 3)
	a = append(a, sc.SessionID(s.id))
	if s.user != "" {
		a = append(a, sc.UserID(s.user))
	}
	if s.device != "" {
		a = append(a, sc.DeviceID(s.device))
	}
	if s.joined {
		a = append(a, conventions.SessionJoined())
	}
	s.identAtt = a
}

// identity returns the ids a span started under ctx gets from s.
func (s *Session) identity(ctx context.Context) identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := conversationFromContext(ctx)
	if conv == "" && len(s.open) == 1 {
		conv = s.open[0]
	}
	return identity{fSession: s.id, fUser: s.user, fDevice: s.device, fConversation: conv}
}

// begin checks the session is live and returns its identity attributes,
// with room for n more.
func (s *Session) begin(n int) ([]attribute.KeyValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil, fmt.Errorf("instrument: session %s: %w", s.id, ErrSessionEnded)
	}
	a := make([]attribute.KeyValue, len(s.identAtt), len(s.identAtt)+n)
	copy(a, s.identAtt)
	return a, nil
}

// conversation picks the conversation of a conversation event: the one
// named by the call, the context's, the one open, else the session's
// default (the translation's: the session id).
func (s *Session) conversation(ctx context.Context, call, named string) (string, error) {
	if named != "" {
		return named, checkKeptID(call, "conversation id", named, false)
	}
	if id := conversationFromContext(ctx); id != "" {
		return id, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch len(s.open) {
	case 0:
		return "", nil
	case 1:
		return s.open[0], nil
	}
	return "", invalid(call, "conversations %q are open: name one with InConversation or ContextWithConversation", s.open)
}

// End ends the session: its end event, after which the service ends the
// conversations still open (the translation sends their "Conversation
// Ended" first). Options: [At], [WithAttributes]. With live events, End
// then flushes and waits for the service's "Session Ended" (see
// [SessionConfig].WaitForEnd) before stopping the stream. Calls after End
// return [ErrSessionEnded].
func (s *Session) End(ctx context.Context, opts ...CallOption) error {
	o := callOptions(opts)
	if err := checkProperties("End", "attributes", o.attrs); err != nil {
		return err
	}
	a, err := s.begin(2 + len(o.attrs))
	if err != nil {
		return err
	}
	s.mu.Lock()
	already := s.ended
	s.ended, s.open = true, nil
	s.mu.Unlock()
	if already { // another End won the race
		return fmt.Errorf("instrument: session %s: %w", s.id, ErrSessionEnded)
	}
	a = append(a, sc.MindlyticsEvent(sc.EventSessionEnd))
	a = appendGroup(a, sc.Attribute, o.attrs)
	s.c.emit(ctx, conventions.SpanNameSessionEnd, o.at, o.at, a)
	if s.live != nil {
		s.live.finish(ctx, s.c)
	}
	return nil
}

// Flush waits until every event of the client so far, this session's
// included, is delivered or has failed, or ctx ends; when it returns,
// [Session.Errors] shows every error so far. Its error wraps
// exporter.ErrLost when events were lost since the previous flush.
func (s *Session) Flush(ctx context.Context) error { return s.c.Flush(ctx) }

// HasErrors reports whether an error of this session was recorded.
func (s *Session) HasErrors() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.errs) > 0
}

// Errors returns this session's errors, oldest first: events the exporter
// could not deliver or translate (the service's answer is in the error).
// At most the first 100 are kept.
func (s *Session) Errors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.errs)
}

// recordError keeps err and passes it to the session's callback.
func (s *Session) recordError(err error) {
	s.mu.Lock()
	if len(s.errs) < maxSessionErrors {
		s.errs = append(s.errs, err)
	}
	s.mu.Unlock()
	if s.onError != nil {
		s.onError(err)
	}
}

func (s *Session) isEnded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}
