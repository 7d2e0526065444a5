package instrument

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// scopeName is the instrumentation scope of the spans this package makes.
const scopeName = "github.com/mindlytics/mindlytics-otel/instrument"

// stampKeys are the keys the processor stamps, in identity field order.
var stampKeys = [...]attribute.Key{
	fSession:      sc.SessionIDKey,
	fUser:         sc.UserIDKey,
	fDevice:       sc.DeviceIDKey,
	fConversation: sc.ConversationIDKey,
}

// NewSpanProcessor returns the identity-stamping span processor: every span
// started in a context that carries a session (a [Session] in the context,
// or a calling service's W3C baggage) gets session.id, user.id, device.id
// and gen_ai.conversation.id, whoever starts it; ids the span sets itself
// at its start are kept. [New] registers one on its TracerProvider; this
// constructor is for TracerProviders that export elsewhere, for example
// over OTLP to a collector, which routes sessions by these attributes.
func NewSpanProcessor() sdktrace.SpanProcessor { return &stamper{} }

// stamper stamps identities and, when the client built it, tells the
// Mindlytics exporter which spans run inside a started turn.
type stamper struct {
	scope *turnScope // nil for NewSpanProcessor's
}

var _ sdktrace.SpanProcessor = (*stamper)(nil)

// OnStart stamps the context's identity on spans of other
// instrumentations; this package's spans carry their own.
func (p *stamper) OnStart(ctx context.Context, s sdktrace.ReadWriteSpan) {
	if s.InstrumentationScope().Name == scopeName {
		return
	}
	if p.scope != nil {
		if t := turnFromContext(ctx); t != nil {
			p.scope.add(s.SpanContext().SpanID(), t)
		}
	}
	if genai.InTurn(ctx) { // the rule the helpers stamp with too
		s.SetAttributes(conventions.InTurn())
	}
	id := identityOf(ctx)
	if id == (identity{}) {
		return
	}
	var buf [nFields + 1]attribute.KeyValue
	a := buf[:0]
	for f, v := range id {
		if v != "" {
			a = append(a, stampKeys[f].String(v))
		}
	}
	if joinedIn(ctx) {
		a = append(a, conventions.SessionJoined())
	}
	if own := s.Attributes(); len(own) > 0 {
		a = withoutKeys(a, own)
	}
	if len(a) > 0 {
		s.SetAttributes(a...)
	}
}

// joinedIn says whether the session of ctx is owned by a calling service:
// the context's session was joined so, or, without one, the baggage says.
func joinedIn(ctx context.Context) bool {
	if s := SessionFromContext(ctx); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.joined
	}
	return ownedUpstream(ctx)
}

// identityOf is the identity of ctx: its session's, else its baggage's;
// the context's conversation wins.
func identityOf(ctx context.Context) identity {
	if s := SessionFromContext(ctx); s != nil {
		return s.identity(ctx)
	}
	id := identityFromBaggage(ctx)
	if c := conversationFromContext(ctx); c != "" {
		id[fConversation] = c
	}
	return id
}

// withoutKeys drops from a the keys the span set itself.
func withoutKeys(a, own []attribute.KeyValue) []attribute.KeyValue {
	out := a[:0]
	for _, kv := range a {
		set := false
		for _, o := range own {
			if o.Key == kv.Key && o.Value.String() != "" {
				set = true
				break
			}
		}
		if !set {
			out = append(out, kv)
		}
	}
	return out
}

// OnEnd tells the turn scope what a span inside a turn turned out to be.
func (p *stamper) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.scope != nil {
		p.scope.ended(s)
	}
}

// Shutdown does nothing: the processor holds no resources.
func (p *stamper) Shutdown(context.Context) error { return nil }

// ForceFlush does nothing: the processor buffers nothing.
func (p *stamper) ForceFlush(context.Context) error { return nil }
