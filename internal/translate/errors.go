package translate

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// ErrNoSession is the reason a span is dropped when it has no session id and
// the session fallback gives none.
var ErrNoSession = errors.New("no session id on the span, its trace or its resource")

// ErrNoUserOrDevice is the reason a span is dropped when it has neither a
// user id nor a device id and no default device id is configured:
// Mindlytics needs one of the two.
var ErrNoUserOrDevice = errors.New("no user id or device id on the span, its trace or its resource, and no default device id")

// SpanError says which span could not be translated and why. The span's
// batch-mates are translated all the same.
type SpanError struct {
	TraceID trace.TraceID
	SpanID  trace.SpanID
	Name    string // the span's name, cut at 100 characters
	Err     error
}

func newSpanError(s *spanview.Span, err error) *SpanError {
	return &SpanError{TraceID: s.TraceID(), SpanID: s.SpanID(), Name: truncate(s.Name(), 100), Err: err}
}

func (e *SpanError) Error() string {
	return fmt.Sprintf("translate: span %q (trace %s, span %s) dropped: %v", e.Name, e.TraceID, e.SpanID, e.Err)
}

// Unwrap returns the reason.
func (e *SpanError) Unwrap() error { return e.Err }

// IgnoredValueError says which value of a span the translation ignored
// (a negative, non-finite or absurd token count or cost, message JSON that
// does not parse) while it translated the rest of the span: nothing is
// coerced silently.
type IgnoredValueError struct {
	TraceID trace.TraceID
	SpanID  trace.SpanID
	Name    string // the span's name, cut at 100 characters
	Key     string // the attribute ignored
	Reason  string
}

func (e *IgnoredValueError) Error() string {
	return fmt.Sprintf("translate: span %q (trace %s, span %s): %s ignored: %s", e.Name, e.TraceID, e.SpanID, e.Key, e.Reason)
}

// ignoredValue is one value a rule ignored, before it is tied to its span.
type ignoredValue struct{ key, reason string }

func newIgnoredValue(s *spanview.Span, iv ignoredValue) *IgnoredValueError {
	return &IgnoredValueError{TraceID: s.TraceID(), SpanID: s.SpanID(), Name: truncate(s.Name(), 100), Key: iv.key, Reason: iv.reason}
}

// SessionFallbackNotice says that a span with no session id (on it, its
// trace or its resource) made its trace a session, named by the trace id
// (the session_fallback trace_id): the span was translated. Most often an
// app called its LLM client outside the session's context, and each such
// call becomes a one-turn session of its own. A Translator returns it once,
// for the first such span, with the fix.
type SessionFallbackNotice struct {
	TraceID trace.TraceID
	SpanID  trace.SpanID
	Name    string // the span's name, cut at 100 characters
}

func newSessionFallbackNotice(s *spanview.Span) *SessionFallbackNotice {
	return &SessionFallbackNotice{TraceID: s.TraceID(), SpanID: s.SpanID(), Name: truncate(s.Name(), 100)}
}

func (e *SessionFallbackNotice) Error() string {
	return fmt.Sprintf("translate: span %q (trace %s, span %s) has no session id on it, its trace or its resource, "+
		"so its trace became a session of its own (session_fallback trace_id; said once, later such spans alike): "+
		"call the LLM client with the session's context (instrument: the ctx StartSession returns), "+
		"put session.id on the span or the resource, or drop such spans with session_fallback none",
		e.Name, e.TraceID, e.SpanID)
}
