package genai

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"
)

// A framework whose callbacks cannot hand a context down (langchaingo's
// take one and return none) opens its model span and cannot make it the
// parent of what the call does below: over a client helper's transport,
// the two spans of one call would be siblings, two calls to the
// translation, and count twice. So the framework's helper registers its
// open span under the context the call runs with (Enclose), and a client
// helper starting a model call with that context makes its span a child of
// it: one call, stacked, as the translation merges it (the inner span, on
// the wire, wins; the outer lends its texts).

var enclosing struct {
	n  atomic.Int32 // registrations: none makes lookups free
	mu sync.Mutex
	m  map[context.Context][]trace.Span // innermost last
	// bySpan counts the registrations under each span of their context,
	// for a context the HTTP client derived (its Timeout): it finds the
	// registration when it is the only one under that span.
	bySpan map[trace.SpanID][]trace.Span
}

// Enclose registers span as the model span around the calls that start
// with ctx, until release. A context whose type cannot be a map key is not
// registered.
func Enclose(ctx context.Context, span trace.Span) (release func()) {
	if ctx == nil || !reflect.TypeOf(ctx).Comparable() || !span.SpanContext().IsValid() {
		return func() {}
	}
	parent := trace.SpanContextFromContext(ctx).SpanID() // zero without a span: never looked up
	e := &enclosing
	e.mu.Lock()
	if e.m == nil {
		e.m, e.bySpan = map[context.Context][]trace.Span{}, map[trace.SpanID][]trace.Span{}
	}
	e.m[ctx] = append(e.m[ctx], span)
	e.bySpan[parent] = append(e.bySpan[parent], span)
	e.n.Add(1)
	e.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.m[ctx] = without(e.m[ctx], span)
			if len(e.m[ctx]) == 0 {
				delete(e.m, ctx)
			}
			e.bySpan[parent] = without(e.bySpan[parent], span)
			if len(e.bySpan[parent]) == 0 {
				delete(e.bySpan, parent)
			}
			e.n.Add(-1)
		})
	}
}

func without(list []trace.Span, s trace.Span) []trace.Span {
	for i, x := range list {
		if x == s {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// enclosed returns ctx with the span registered around calls of ctx as its
// current span, when there is one: for ctx itself, else the only one
// registered under ctx's span. Otherwise ctx.
func enclosed(ctx context.Context) context.Context {
	e := &enclosing
	if e.n.Load() == 0 || !reflect.TypeOf(ctx).Comparable() {
		return ctx
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if list := e.m[ctx]; len(list) > 0 {
		return trace.ContextWithSpan(ctx, list[len(list)-1])
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		if list := e.bySpan[sc.SpanID()]; len(list) == 1 {
			return trace.ContextWithSpan(ctx, list[0])
		}
	}
	return ctx
}
