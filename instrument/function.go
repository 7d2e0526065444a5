package instrument

import (
	"context"
	"sync"
	"time"

	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Function is one tool or function call of a conversation.
type Function struct {
	// Name is the function's name: required, 1–100 characters.
	Name string
	// Args are its arguments, usually JSON; Result what it returned.
	Args, Result string
	// Runtime is how long it ran (sent in milliseconds).
	Runtime time.Duration
	// Properties are further properties of the call.
	Properties Properties
}

func (f Function) check(call string) error {
	if err := checkID(call, "function name", f.Name, true); err != nil {
		return err
	}
	if f.Runtime < 0 {
		return invalid(call, "runtime is negative (%v)", f.Runtime)
	}
	return checkProperties(call, "properties", f.Properties)
}

func functionAttrs(a []attribute.KeyValue, conv string, f Function) []attribute.KeyValue {
	if conv != "" {
		a = append(a, sc.ConversationID(conv))
	}
	a = append(a, sc.MindlyticsEvent(sc.EventFunction), sc.ToolName(f.Name))
	if f.Args != "" {
		a = append(a, sc.ToolCallArguments(f.Args))
	}
	return appendGroup(a, sc.Property, f.Properties)
}

// TrackFunction records a function call after the fact; the event's time
// is the call's end ([At], else now) and its runtime f.Runtime. Options:
// [InConversation], [At].
func (s *Session) TrackFunction(ctx context.Context, f Function, opts ...CallOption) error {
	const call = "TrackFunction"
	o := callOptions(opts)
	if err := f.check(call); err != nil {
		return err
	}
	conv, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return err
	}
	a, err := s.begin(5 + len(f.Properties))
	if err != nil {
		return err
	}
	a = functionAttrs(a, conv, f)
	if f.Result != "" {
		a = append(a, sc.ToolCallResult(f.Result))
	}
	end := o.at
	if end.IsZero() {
		end = time.Now()
	}
	s.c.emit(ctx, sc.ExecuteToolSpanName(f.Name), end.Add(-f.Runtime), end, a)
	return nil
}

// StartedFunction is a function call in progress; its runtime is the time
// until [StartedFunction.End].
type StartedFunction struct {
	span trace.Span
	once sync.Once
}

// StartFunction starts a function call named name with its arguments and
// returns a context for the call (spans made inside are its children).
// Options: [InConversation], [WithProperties], [At] (the start).
func (s *Session) StartFunction(ctx context.Context, name, args string, opts ...CallOption) (context.Context, *StartedFunction, error) {
	const call = "StartFunction"
	o := callOptions(opts)
	f := Function{Name: name, Args: args, Properties: o.props}
	if err := f.check(call); err != nil {
		return ctx, nil, err
	}
	conv, err := s.conversation(ctx, call, o.conv)
	if err != nil {
		return ctx, nil, err
	}
	a, err := s.begin(5 + len(f.Properties))
	if err != nil {
		return ctx, nil, err
	}
	a = functionAttrs(a, conv, f)
	startOpts := []trace.SpanStartOption{trace.WithAttributes(a...)}
	if !o.at.IsZero() {
		startOpts = append(startOpts, trace.WithTimestamp(o.at))
	}
	fn := &StartedFunction{}
	ctx, fn.span = s.c.startSpan(ctx, sc.ExecuteToolSpanName(name), startOpts...)
	return ctx, fn, nil
}

// End ends the call with its result; a non-nil err marks it failed (the
// event gets an error property). As [StartedTurn.End] does, it returns an
// error for a call ended already, and sends nothing more. Options: [At]
// (the end).
func (f *StartedFunction) End(result string, err error, opts ...CallOption) error {
	o := callOptions(opts)
	ended := true
	f.once.Do(func() {
		ended = false
		if result != "" {
			f.span.SetAttributes(sc.ToolCallResult(result))
		}
		if err != nil {
			f.span.SetStatus(codes.Error, err.Error())
		}
		if o.at.IsZero() {
			f.span.End()
		} else {
			f.span.End(trace.WithTimestamp(o.at))
		}
	})
	if ended {
		return invalid("StartedFunction.End", "the call was ended already")
	}
	return nil
}
