package langchaingohelper

import (
	"context"
	"reflect"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// kind is what an open span stands for.
type kind uint8

const (
	kindChain kind = iota + 1
	kindLLM
	kindTool
)

// frame is one open span of a stack. span is nil for a model call whose
// span another helper makes.
type frame struct {
	kind kind
	span trace.Span
	// fromAction: a tool span started by HandleAgentAction, which the
	// tool's own HandleToolStart joins instead of starting another.
	fromAction, toolStarted bool
	// stop stops the watch on the context of a model call (nil: none).
	stop func() bool
	// turn: a chain run on the user's question (the outermost chain of
	// its context, outside any turn), the turn of the model calls inside
	// it; question is that question. inTurn: opened inside such a chain.
	turn, inTurn bool
	question     string
	nested       bool // opened inside another chain
	// unlink ends the registration of a model span as the parent of the
	// client helper spans of its call (nil: none).
	unlink func()
}

// spanKey is the identity of the span current in a context.
type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

// stack is the open spans of one context, innermost last.
type stack struct {
	frames []*frame
	ctxs   []context.Context // keys of the stack in stacks.byCtx
	sk     spanKey           // its key in stacks.bySpan, if valid
	// done is the Done channel of the context that opened it (nil: none),
	// its key in stacks.byDone.
	done <-chan struct{}
}

// stacks pairs starts with ends: langchaingo hands its callbacks a context
// but takes none back, so spans wait here, by the callback's context and,
// for contexts derived from it, by its Done channel (a context with values
// added shares its parent's) and by the span that context carries. Runs
// side by side under one span have contexts of their own to cancel: their
// Done channels keep them apart.
type stacks struct {
	mu     sync.Mutex
	byCtx  map[context.Context]*stack
	byDone map[<-chan struct{}]*stack
	bySpan map[spanKey]*stack
}

func newStacks() *stacks {
	return &stacks{byCtx: map[context.Context]*stack{}, byDone: map[<-chan struct{}]*stack{}, bySpan: map[spanKey]*stack{}}
}

// comparable: a context whose dynamic type is not comparable cannot be a
// map key (it would panic); such contexts pair by their span only.
func comparableCtx(ctx context.Context) bool {
	return ctx != nil && reflect.TypeOf(ctx).Comparable()
}

func keyOf(ctx context.Context) (spanKey, bool) {
	sc := trace.SpanContextFromContext(ctx)
	return spanKey{sc.TraceID(), sc.SpanID()}, sc.IsValid()
}

// lookup finds ctx's stack; s.mu is held.
func (s *stacks) lookup(ctx context.Context) *stack {
	if comparableCtx(ctx) {
		if st := s.byCtx[ctx]; st != nil {
			return st
		}
	}
	done := ctx.Done()
	if done != nil {
		if st := s.byDone[done]; st != nil {
			return st
		}
	}
	if k, ok := keyOf(ctx); ok {
		// The same span, but not another run's: that one has a Done of its
		// own.
		if st := s.bySpan[k]; st != nil && (st.done == nil || done == nil || st.done == done) {
			return st
		}
	}
	return nil
}

// push opens f in ctx's stack and returns the context its span starts
// from: the innermost open span, or ctx's own. start makes the span.
func (s *stacks) push(ctx context.Context, f *frame, start func(parent context.Context) trace.Span) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.lookup(ctx)
	if st == nil {
		st = &stack{done: ctx.Done()}
		if st.done != nil {
			s.byDone[st.done] = st
		}
		if k, ok := keyOf(ctx); ok {
			st.sk = k
			if s.bySpan[k] == nil {
				s.bySpan[k] = st
			}
		}
	}
	if comparableCtx(ctx) && s.byCtx[ctx] == nil {
		s.byCtx[ctx] = st
		st.ctxs = append(st.ctxs, ctx)
	}
	parent := ctx
	for i := len(st.frames) - 1; i >= 0; i-- {
		if sp := st.frames[i].span; sp != nil {
			parent = trace.ContextWithSpan(ctx, sp)
			break
		}
	}
	// The innermost frame holds what all below it say (each took it at its
	// push).
	if n := len(st.frames); n > 0 {
		g := st.frames[n-1]
		f.inTurn = f.inTurn || g.turn || g.inTurn
		f.nested = f.nested || g.nested || g.kind == kindChain
	}
	if start != nil {
		f.span = start(parent)
	}
	st.frames = append(st.frames, f)
}

// pop removes the innermost frame of kind k from ctx's stack, with the
// frames opened above it and never ended (returned innermost first). match
// may refuse a frame (nil: any).
func (s *stacks) pop(ctx context.Context, k kind, match func(*frame) bool) (*frame, []*frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.lookup(ctx)
	if st == nil {
		return nil, nil
	}
	for i := len(st.frames) - 1; i >= 0; i-- {
		f := st.frames[i]
		if f.kind != k || (match != nil && !match(f)) {
			continue
		}
		var above []*frame
		for j := len(st.frames) - 1; j > i; j-- {
			above = append(above, st.frames[j])
		}
		for _, g := range st.frames[i:] {
			if g.stop != nil {
				g.stop()
			}
			if g.unlink != nil {
				g.unlink()
			}
		}
		st.frames = st.frames[:i]
		s.release(st)
		return f, above
	}
	return nil, nil
}

// onTop runs fn on the innermost frame of ctx's stack, under the lock,
// and reports what it returns (false when the stack is empty).
func (s *stacks) onTop(ctx context.Context, fn func(*frame) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.lookup(ctx); st != nil && len(st.frames) > 0 {
		return fn(st.frames[len(st.frames)-1])
	}
	return false
}

// release forgets an empty stack, so that finished runs hold no memory.
func (s *stacks) release(st *stack) {
	if len(st.frames) > 0 {
		return
	}
	for _, c := range st.ctxs {
		delete(s.byCtx, c)
	}
	if s.bySpan[st.sk] == st {
		delete(s.bySpan, st.sk)
	}
	if st.done != nil && s.byDone[st.done] == st {
		delete(s.byDone, st.done)
	}
}

// empty reports whether no span is open (for tests).
func (s *stacks) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byCtx) == 0 && len(s.byDone) == 0 && len(s.bySpan) == 0
}
