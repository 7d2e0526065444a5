package instrument

import (
	"context"

	"go.opentelemetry.io/otel/baggage"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// ctxKey keys the values this package keeps in a context.
type ctxKey uint8

const (
	sessionKey ctxKey = iota
	conversationKey
	turnKey
)

// Baggage members that carry a session to other services: the attribute
// keys of package semconv, so a downstream process without this package
// (or with baggagecopy) still finds them.
var baggageKeys = [...]string{
	fSession:      string(sc.SessionIDKey),
	fUser:         string(sc.UserIDKey),
	fDevice:       string(sc.DeviceIDKey),
	fConversation: string(sc.ConversationIDKey),
}

// Fields of an identity.
const (
	fSession = iota
	fUser
	fDevice
	fConversation
	nFields
)

// identity is the session, user, device and conversation ids a span gets.
type identity [nFields]string

// ContextWithSession returns a copy of ctx that carries s: the calls and
// middleware of this package find it there, the span processor stamps its
// ids on every span started under the context, and W3C baggage (session.id,
// user.id, device.id, gen_ai.conversation.id) carries them to the services
// called with it through an instrumented client (otelhttp, with the baggage
// propagator). Baggage is a snapshot: after [Session.Identify], call it
// again to send the new user id downstream.
func ContextWithSession(ctx context.Context, s *Session) context.Context {
	if s == nil {
		return ctx
	}
	ctx = context.WithValue(ctx, sessionKey, s)
	id := s.identity(ctx)
	return withOwnedMark(withBaggage(ctx, id))
}

// ownedKey is the baggage member that tells called services the session is
// started and ended upstream: the spans they make of it are marked
// mindlytics.session.joined. A caller that sends only ids (a front end, a
// service without Mindlytics) sets no mark, and the called service starts
// the session itself.
var ownedKey = string(conventions.SessionJoinedKey)

func withOwnedMark(ctx context.Context) context.Context {
	m, err := baggage.NewMemberRaw(ownedKey, "true")
	if err != nil {
		return ctx
	}
	b, err := baggage.FromContext(ctx).SetMember(m)
	if err != nil {
		return ctx
	}
	return baggage.ContextWithBaggage(ctx, b)
}

// ownedUpstream says whether ctx's baggage marks its session as owned by a
// calling service.
func ownedUpstream(ctx context.Context) bool {
	return baggage.FromContext(ctx).Member(ownedKey).Value() == "true"
}

// SessionFromContext returns the session ctx carries, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey).(*Session)
	return s
}

// ContextWithConversation returns a copy of ctx in which calls without
// [InConversation] go to conversation id, and spans started under it carry
// it as gen_ai.conversation.id (in baggage too).
func ContextWithConversation(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	ctx = context.WithValue(ctx, conversationKey, id)
	var ids identity
	ids[fConversation] = id
	return withBaggage(ctx, ids)
}

func conversationFromContext(ctx context.Context) string {
	id, _ := ctx.Value(conversationKey).(string)
	return id
}

func turnFromContext(ctx context.Context) *StartedTurn {
	t, _ := ctx.Value(turnKey).(*StartedTurn)
	return t
}

// withBaggage sets the non-empty ids as baggage members, keeping the others.
func withBaggage(ctx context.Context, id identity) context.Context {
	b := baggage.FromContext(ctx)
	changed := false
	for f, v := range id {
		if v == "" {
			continue
		}
		m, err := baggage.NewMemberRaw(baggageKeys[f], v)
		if err != nil {
			continue // an id that cannot be a member stays in-process
		}
		if nb, err := b.SetMember(m); err == nil {
			b, changed = nb, true
		}
	}
	if !changed {
		return ctx
	}
	return baggage.ContextWithBaggage(ctx, b)
}

// identityFromBaggage reads the ids a calling service sent.
func identityFromBaggage(ctx context.Context) identity {
	var id identity
	b := baggage.FromContext(ctx)
	if b.Len() == 0 {
		return id
	}
	for f, k := range baggageKeys {
		id[f] = b.Member(k).Value()
	}
	return id
}
