package instrument

import (
	"context"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Properties are the properties, attributes or traits of an event: values
// are strings, booleans, integers or finite floats.
type Properties = map[string]any

// CallOption sets an optional argument of a session call.
type CallOption interface{ applyCall(*callConfig) }

type callConfig struct {
	at    time.Time
	conv  string
	props Properties
	attrs Properties
	// the analyses of a conversation end
	convAnalysis   *mindlytics.ConversationAnalysis
	intentAnalysis *mindlytics.IntentAnalysis
}

type callOptionFunc func(*callConfig)

func (f callOptionFunc) applyCall(c *callConfig) { f(c) }

func callOptions(opts []CallOption) callConfig {
	var c callConfig
	for _, o := range opts {
		o.applyCall(&c)
	}
	return c
}

// At sets when the event happened, to import past data; without it the
// event happens now. Mindlytics receives it as the event's timestamp.
func At(t time.Time) CallOption {
	return callOptionFunc(func(c *callConfig) { c.at = t })
}

// InConversation names the conversation of the call, when several are open
// or to pick another than the context's.
func InConversation(id string) CallOption {
	return callOptionFunc(func(c *callConfig) { c.conv = id })
}

// WithProperties sets the event's properties (track events, conversation
// starts and ends).
func WithProperties(p Properties) CallOption {
	return callOptionFunc(func(c *callConfig) { c.props = p })
}

// WithAttributes sets the attributes of a conversation start or end, or of
// a session end.
func WithAttributes(p Properties) CallOption {
	return callOptionFunc(func(c *callConfig) { c.attrs = p })
}

// WithConversationAnalysis gives a conversation end the app's own
// analysis of the conversation ("Conversation Ended"'s
// conversation_analysis): a summary, a sentiment (mindlytics.SentimentPositive,
// …Negative, …Neutral) and what the analysis cost.
func WithConversationAnalysis(a mindlytics.ConversationAnalysis) CallOption {
	return callOptionFunc(func(c *callConfig) { c.convAnalysis = &a })
}

// WithIntentAnalysis gives a conversation end the app's analysis of the
// user's intent ("Conversation Ended"'s intent_analysis).
func WithIntentAnalysis(a mindlytics.IntentAnalysis) CallOption {
	return callOptionFunc(func(c *callConfig) { c.intentAnalysis = &a })
}

// appendAnalyses appends the attributes of the analyses o gives.
func appendAnalyses(a []attribute.KeyValue, o callConfig) []attribute.KeyValue {
	if c := o.convAnalysis; c != nil {
		a = append(a, sc.ConversationAnalysis(c.Summary, c.Sentiment, c.Cost)...)
	}
	if i := o.intentAnalysis; i != nil {
		a = append(a, sc.IntentAnalysis(i.Summary, i.Sentiment, i.IntentFulfilled, i.Cost)...)
	}
	return a
}

// appendGroup appends p's entries as key makes them (semconv.Property,
// Attribute or Trait), in key order so that spans are reproducible.
func appendGroup(a []attribute.KeyValue, key func(string, any) attribute.KeyValue, p Properties) []attribute.KeyValue {
	if len(p) == 0 {
		return a
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		a = append(a, key(k, p[k]))
	}
	return a
}

// emit makes one span of our conventions: started at start (zero: now),
// ended at end (zero: now), a child of ctx's span.
func (c *Client) emit(ctx context.Context, name string, start, end time.Time, attrs []attribute.KeyValue) {
	var span trace.Span
	if start.IsZero() {
		_, span = c.startSpan(ctx, name, trace.WithAttributes(attrs...))
	} else {
		_, span = c.startSpan(ctx, name, trace.WithAttributes(attrs...), trace.WithTimestamp(start))
	}
	if end.IsZero() {
		span.End()
	} else {
		span.End(trace.WithTimestamp(end))
	}
}

// Track records a user-defined event named name (1–100 characters).
// Options: [WithProperties], [InConversation] (else the context's
// conversation, if any), [At].
func (s *Session) Track(ctx context.Context, name string, opts ...CallOption) error {
	const call = "Track"
	o := callOptions(opts)
	if err := checkID(call, "event name", name, true); err != nil {
		return err
	}
	if err := checkProperties(call, "properties", o.props); err != nil {
		return err
	}
	conv := o.conv
	if conv == "" {
		conv = conversationFromContext(ctx)
	} else if err := checkKeptID(call, "conversation id", conv, false); err != nil {
		return err
	}
	a, err := s.begin(3 + len(o.props))
	if err != nil {
		return err
	}
	a = append(a, sc.MindlyticsEvent(sc.EventTrack), sc.EventName(name))
	if conv != "" {
		a = append(a, sc.ConversationID(conv))
	}
	a = appendGroup(a, sc.Property, o.props)
	s.c.emit(ctx, conventions.TrackSpanName(name), o.at, o.at, a)
	return nil
}

// User identifies a user: by id, device id or both, with traits that merge
// into the user's (last write wins).
type User struct {
	ID       string
	DeviceID string
	Traits   Properties
}

// Identify says who the session's user is from now on, with traits; u.ID is
// required. Later events of the session carry the new user id. Options:
// [At].
func (s *Session) Identify(ctx context.Context, u User, opts ...CallOption) error {
	const call = "Identify"
	o := callOptions(opts)
	if err := checkID(call, "user id", u.ID, true); err != nil {
		return err
	}
	if err := checkID(call, "device id", u.DeviceID, false); err != nil {
		return err
	}
	if err := checkProperties(call, "traits", u.Traits); err != nil {
		return err
	}
	if err := s.setUser(u.ID, u.DeviceID); err != nil {
		return err
	}
	a, err := s.begin(1 + len(u.Traits))
	if err != nil {
		return err
	}
	a = append(a, sc.MindlyticsEvent(sc.EventIdentify))
	a = appendGroup(a, sc.Trait, u.Traits)
	s.c.emit(ctx, conventions.SpanNameIdentify, o.at, o.at, a)
	return nil
}

// setUser changes the session's user (and device, when given).
func (s *Session) setUser(id, device string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return ErrSessionEnded
	}
	s.user = id
	if device != "" {
		s.device = device
	}
	s.refreshIdentityLocked()
	return nil
}

// Alias makes id the session user's id and an alias of previousID (both
// 1–100 characters). Options: [At].
func (s *Session) Alias(ctx context.Context, id, previousID string, opts ...CallOption) error {
	const call = "Alias"
	o := callOptions(opts)
	if err := checkID(call, "user id", id, true); err != nil {
		return err
	}
	if err := checkID(call, "previous id", previousID, true); err != nil {
		return err
	}
	if err := s.setUser(id, ""); err != nil {
		return err
	}
	a, err := s.begin(2)
	if err != nil {
		return err
	}
	a = append(a, sc.MindlyticsEvent(sc.EventAlias), sc.PreviousID(previousID))
	s.c.emit(ctx, conventions.SpanNameAlias, o.at, o.at, a)
	return nil
}

// StartConversation starts conversation id (1–100 characters) and returns
// a context in which calls go to it. Several conversations may be open;
// calls then name theirs ([InConversation], [ContextWithConversation]).
// Options: [WithProperties], [WithAttributes], [At].
func (s *Session) StartConversation(ctx context.Context, id string, opts ...CallOption) (context.Context, error) {
	const call = "StartConversation"
	o := callOptions(opts)
	if err := checkKeptID(call, "conversation id", id, true); err != nil {
		return ctx, err
	}
	if err := checkProperties(call, "properties", o.props); err != nil {
		return ctx, err
	}
	if err := checkProperties(call, "attributes", o.attrs); err != nil {
		return ctx, err
	}
	a, err := s.begin(2 + len(o.props) + len(o.attrs))
	if err != nil {
		return ctx, err
	}
	s.mu.Lock()
	if !slices.Contains(s.open, id) {
		s.open = append(s.open, id)
	}
	s.mu.Unlock()
	a = append(a, sc.MindlyticsEvent(sc.EventConversationStart), sc.ConversationID(id))
	a = appendGroup(a, sc.Property, o.props)
	a = appendGroup(a, sc.Attribute, o.attrs)
	s.c.emit(ctx, conventions.SpanNameConversationStart, o.at, o.at, a)
	return ContextWithConversation(ctx, id), nil
}

// EndConversation ends a conversation, so that the service analyses it.
// It is ended the way it was started: pass the context StartConversation
// returned, and the conversation it carries is the one ended. Without one,
// it ends the conversation a call would go to: the one [InConversation]
// names, else the only one open, else the session's default conversation
// (see [Session.StartTurn]). Options: [WithProperties] (merged with the
// start's), [WithAttributes], [WithConversationAnalysis],
// [WithIntentAnalysis], [InConversation], [At].
func (s *Session) EndConversation(ctx context.Context, opts ...CallOption) error {
	const call = "EndConversation"
	o := callOptions(opts)
	id, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return err
	}
	if id == "" {
		id = s.id // the default conversation: the translation's, the session id
	}
	if err := checkProperties(call, "properties", o.props); err != nil {
		return err
	}
	if err := checkProperties(call, "attributes", o.attrs); err != nil {
		return err
	}
	a, err := s.begin(2 + len(o.props) + len(o.attrs))
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.open = slices.DeleteFunc(s.open, func(c string) bool { return c == id })
	s.mu.Unlock()
	a = append(a, sc.MindlyticsEvent(sc.EventConversationEnd), sc.ConversationID(id))
	a = appendGroup(a, sc.Property, o.props)
	a = appendGroup(a, sc.Attribute, o.attrs)
	a = appendAnalyses(a, o)
	s.c.emit(ctx, conventions.SpanNameConversationEnd, o.at, o.at, a)
	return nil
}
