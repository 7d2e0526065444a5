package instrument

import (
	"context"
	"sync"
	"sync/atomic"

	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Names of the turn properties that carry the extra token counts.
const (
	propCachedTokens    = "cached_tokens"
	propReasoningTokens = "reasoning_tokens"
)

// spanNameTurn names the spans of turns.
const spanNameTurn = "mindlytics.turn"

// Turn is one exchange of a conversation.
type Turn struct {
	// User and Assistant are the texts: both required.
	User, Assistant string
	// AssistantID names the assistant or agent that answered.
	AssistantID string
	// Usage is the usage of the model calls that made the answer, when
	// known and not reported by model spans inside a started turn.
	Usage Usage
	// Properties are further properties of the turn.
	Properties Properties
}

// Usage is what model calls used: a model with token counts (the service
// prices it) or a known cost in USD.
type Usage struct {
	Model                          string
	PromptTokens, CompletionTokens int64
	// CachedTokens and ReasoningTokens go on a turn as the properties
	// cached_tokens and reasoning_tokens when non-zero.
	CachedTokens, ReasoningTokens int64
	Cost                          float64
}

func (u Usage) check(call string) error {
	if err := checkID(call, "model", u.Model, false); err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		n    int64
	}{{"prompt tokens", u.PromptTokens}, {"completion tokens", u.CompletionTokens},
		{"cached tokens", u.CachedTokens}, {"reasoning tokens", u.ReasoningTokens}} {
		if err := checkCount(call, c.name, c.n); err != nil {
			return err
		}
	}
	return checkCost(call, u.Cost)
}

// appendUsage appends the usage keys a turn carries.
func appendUsage(a []attribute.KeyValue, u Usage) []attribute.KeyValue {
	if u.Model != "" {
		a = append(a, sc.RequestModel(u.Model))
	}
	if u.Model != "" || u.PromptTokens != 0 || u.CompletionTokens != 0 {
		a = append(a, attribute.Int64(string(sc.InputTokensKey), u.PromptTokens),
			attribute.Int64(string(sc.OutputTokensKey), u.CompletionTokens))
	}
	if u.Cost > 0 {
		a = append(a, sc.UsageCost(u.Cost))
	}
	if u.CachedTokens > 0 {
		a = append(a, attribute.Int64(sc.PropertiesPrefix+propCachedTokens, u.CachedTokens))
	}
	if u.ReasoningTokens > 0 {
		a = append(a, attribute.Int64(sc.PropertiesPrefix+propReasoningTokens, u.ReasoningTokens))
	}
	return a
}

func (t Turn) check(call string, needAssistant bool) error {
	if t.User == "" {
		return invalid(call, "a turn needs the user's text")
	}
	if needAssistant && t.Assistant == "" {
		return invalid(call, "a turn needs the assistant's text")
	}
	if err := checkID(call, "assistant id", t.AssistantID, false); err != nil {
		return err
	}
	if err := t.Usage.check(call); err != nil {
		return err
	}
	return checkProperties(call, "properties", t.Properties)
}

// TrackTurn records a turn after the fact. Options: [InConversation], [At].
// Its conversation is chosen as [Session.StartTurn]'s is.
func (s *Session) TrackTurn(ctx context.Context, t Turn, opts ...CallOption) error {
	const call = "TrackTurn"
	var o callConfig
	if len(opts) > 0 {
		o = callOptions(opts)
	}
	if err := t.check(call, true); err != nil {
		return err
	}
	conv, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return err
	}
	a, err := s.begin(10 + len(t.Properties))
	if err != nil {
		return err
	}
	a = appendTurn(a, conv, t)
	s.c.emit(ctx, spanNameTurn, o.at, o.at, a)
	return nil
}

func appendTurn(a []attribute.KeyValue, conv string, t Turn) []attribute.KeyValue {
	if conv != "" {
		a = append(a, sc.ConversationID(conv))
	}
	a = append(a, sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser(t.User), sc.TurnAssistant(t.Assistant))
	if t.AssistantID != "" {
		a = append(a, sc.AgentID(t.AssistantID))
	}
	a = appendUsage(a, t.Usage)
	return appendGroup(a, sc.Property, t.Properties)
}

// StartedTurn is a turn in progress: the model and tool spans started
// under its context are its children. End it with [StartedTurn.End].
type StartedTurn struct {
	s    *Session
	span trace.Span
	user string
	conv string

	// modelSpans counts the model calls inside the turn that reported
	// usage; the span processor counts them as they end.
	modelSpans atomic.Int32
	once       sync.Once
}

// StartTurn starts a turn with the user's text and returns a context for
// the work that answers it: spans started under it, by any
// instrumentation, are the turn's children. A model span inside the turn
// is counted as usage ("Conversation Usage") and never as a turn of its
// own; a tool span as a function call. Options: [InConversation], [At]
// (the start, to import past turns).
//
// The turn's conversation is the one [InConversation] names, else the
// context's ([Session.StartConversation]), else the only one open. With
// none of those it goes to the session's default conversation, whose id
// is the session id. That is no error, by choice: it is the translation's
// rule for every span without a conversation id (docs/CONVENTIONS.md), so
// a turn tracked here and the same span sent by any OTLP exporter land in
// the same conversation, and a session of one conversation needs no
// StartConversation. [Session.EndConversation] ends it like any other.
func (s *Session) StartTurn(ctx context.Context, user string, opts ...CallOption) (context.Context, *StartedTurn, error) {
	const call = "StartTurn"
	o := callOptions(opts)
	if err := (Turn{User: user}).check(call, false); err != nil {
		return ctx, nil, err
	}
	conv, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return ctx, nil, err
	}
	a, err := s.begin(3)
	if err != nil {
		return ctx, nil, err
	}
	if conv != "" {
		a = append(a, sc.ConversationID(conv))
	}
	a = append(a, sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser(user))
	startOpts := []trace.SpanStartOption{trace.WithAttributes(a...)}
	if !o.at.IsZero() {
		startOpts = append(startOpts, trace.WithTimestamp(o.at))
	}
	t := &StartedTurn{s: s, user: user, conv: conv}
	ctx = context.WithValue(ctx, turnKey, t)
	if conv != "" {
		ctx = ContextWithConversation(ctx, conv)
	}
	ctx, t.span = s.c.startSpan(ctx, spanNameTurn, startOpts...)
	return ctx, t, nil
}

// End ends the turn with the assistant's answer (result.Assistant,
// required) and whatever else is known: result.User replaces the text
// given to StartTurn when set; result.Usage is counted only when no model
// span inside the turn reported usage, so that nothing counts twice.
// Invalid input leaves the turn open, to be ended again. Options: [At]
// (the end).
func (t *StartedTurn) End(result Turn, opts ...CallOption) error {
	const call = "StartedTurn.End"
	o := callOptions(opts)
	if result.User == "" {
		result.User = t.user
	}
	if err := result.check(call, true); err != nil {
		return err
	}
	if t.modelSpans.Load() > 0 {
		result.Usage = Usage{}
	}
	ended := true
	t.once.Do(func() {
		ended = false
		a := make([]attribute.KeyValue, 0, 8+len(result.Properties))
		if result.User != t.user {
			a = append(a, sc.TurnUser(result.User))
		}
		a = append(a, sc.TurnAssistant(result.Assistant))
		if result.AssistantID != "" {
			a = append(a, sc.AgentID(result.AssistantID))
		}
		a = appendUsage(a, result.Usage)
		a = appendGroup(a, sc.Property, result.Properties)
		t.span.SetAttributes(a...)
		if o.at.IsZero() {
			t.span.End()
		} else {
			t.span.End(trace.WithTimestamp(o.at))
		}
	})
	if ended {
		return invalid(call, "the turn was ended already")
	}
	return nil
}

// TrackUsage records the usage of a model call: Model with token counts,
// or Cost, not both (the service would count them twice). Options:
// [InConversation], [At].
func (s *Session) TrackUsage(ctx context.Context, u Usage, opts ...CallOption) error {
	const call = "TrackUsage"
	o := callOptions(opts)
	if err := u.check(call); err != nil {
		return err
	}
	switch {
	case u.Model != "" && u.Cost > 0:
		return invalid(call, "give the model with token counts or the cost, not both")
	case u.Model == "" && u.Cost == 0:
		return invalid(call, "usage needs a model with token counts, or a cost")
	}
	conv, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return err
	}
	a, err := s.begin(6)
	if err != nil {
		return err
	}
	if conv != "" {
		a = append(a, sc.ConversationID(conv))
	}
	a = append(a, sc.MindlyticsEvent(sc.EventUsage))
	a = appendUsage(a, Usage{Model: u.Model, PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, Cost: u.Cost})
	s.c.emit(ctx, "mindlytics.usage", o.at, o.at, a)
	return nil
}
