package exporter

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// ErrorKind says what happened to the spans or events an [Error] is about.
type ErrorKind string

// Kinds of [Error].
const (
	// ErrorInvalidSpan: spans the translation could not turn into events (no
	// session id, no user or device id, …); the span's batch-mates were
	// translated all the same.
	ErrorInvalidSpan ErrorKind = "invalid span"
	// ErrorIgnoredValue: values of a span the translation did not use (a
	// negative, non-finite or absurd token count or cost, message JSON that
	// does not parse); the rest of the span was translated.
	ErrorIgnoredValue ErrorKind = "ignored value"
	// ErrorNoSession: a span with no session id on it, its trace or its
	// resource made its trace a session of its own (WithSessionFallback
	// "trace_id", the default); it was translated. Said once per exporter,
	// with the fix: most often an LLM client called outside the session's
	// context, each call of which becomes a one-turn session.
	ErrorNoSession ErrorKind = "no session"
	// ErrorRejected: events the service refused for good (4xx other than
	// 408 and 429), with its message; a refused request is split until the
	// refused events stand alone, so their neighbours landed.
	ErrorRejected ErrorKind = "rejected"
	// ErrorUndelivered: events still failing after retrying for the
	// configured time ([WithRetry]).
	ErrorUndelivered ErrorKind = "undelivered"
	// ErrorRetrying: the service has not accepted a request for a while
	// (unreachable, failing or throttling) and the retries go on. Reported
	// within seconds, once per outage; Count is the events of the request
	// that kept failing, which are not lost: if the retries run out, they
	// are reported again as ErrorUndelivered.
	ErrorRetrying ErrorKind = "retrying"
	// ErrorDropped: events (or spans) never sent: the queue was full, an
	// event was larger than a request may be, the exporter was shut down,
	// or Shutdown's deadline passed before they could be delivered.
	ErrorDropped ErrorKind = "dropped"
)

// Error is one entry of the exporter's error list: a kind and a reason,
// with how many spans or events met it. Repeats of the same kind, reason
// and status code add to one entry's Count instead of crowding out the
// others. It never carries the API key.
type Error struct {
	Kind       ErrorKind
	Reason     string // the service's message, or what went wrong
	StatusCode int    // the service's status code, 0 when there was no answer
	SessionID  string // the session of the first span or event concerned
	EventKind  string // its kind, as mindlytics.Event.Kind names it ("" for spans)
	Count      int    // spans (ErrorInvalidSpan) or events this entry is about
	First      time.Time
	Last       time.Time
	Err        error // the first underlying error
}

// Error describes what failed, for how many and why.
func (e *Error) Error() string {
	var b strings.Builder
	unit := "event(s)"
	if e.Kind == ErrorInvalidSpan || e.Kind == ErrorIgnoredValue || e.Kind == ErrorNoSession {
		unit = "span(s)"
	}
	fmt.Fprintf(&b, "mindlytics exporter: %d %s %s", e.Count, unit, e.Kind)
	if e.SessionID != "" {
		fmt.Fprintf(&b, " (session %q", e.SessionID)
		if e.EventKind != "" {
			b.WriteString(", " + e.EventKind)
		}
		b.WriteString(")")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
		if e.Reason != "" {
			b.WriteString(" " + e.Reason)
		}
	} else if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// Unwrap returns the first underlying error.
func (e *Error) Unwrap() error { return e.Err }

// fromQueue turns what the queue reports into the exporter's terms.
func fromQueue(qe queue.Error) Error {
	e := Error{
		Reason: qe.Message, StatusCode: qe.StatusCode, SessionID: qe.SessionID, EventKind: qe.EventKind,
		Count: qe.Events, First: qe.Time, Last: qe.Time, Err: qe.Err,
	}
	switch qe.Kind {
	case queue.KindRejected:
		e.Kind = ErrorRejected
		if e.Reason == "" {
			e.Reason = http.StatusText(qe.StatusCode)
		}
	case queue.KindGaveUp:
		e.Kind = ErrorUndelivered
	case queue.KindRetrying:
		e.Kind = ErrorRetrying
	default: // dropped, invalid (unencodable or too large), shutdown deadline
		e.Kind = ErrorDropped
	}
	return e
}

// fromSpan reports a span the translation left out.
func fromSpan(err error, at time.Time) Error {
	e := Error{Kind: ErrorInvalidSpan, Reason: err.Error(), Count: 1, First: at, Last: at, Err: err}
	var se *translate.SpanError
	var iv *translate.IgnoredValueError
	var nf *translate.SessionFallbackNotice
	switch {
	case errors.As(err, &se):
		e.Reason = fmt.Sprintf("span %q: %v", se.Name, se.Err)
	case errors.As(err, &iv):
		e.Kind, e.Reason = ErrorIgnoredValue, fmt.Sprintf("%s: %s", iv.Key, iv.Reason)
	case errors.As(err, &nf):
		e.Kind = ErrorNoSession
	}
	return e
}

// errorList keeps one entry per kind, reason and status code, at most max,
// in the order they first happened; when full, a new kind of error pushes
// out the oldest entry, counted as discarded.
type errorList struct {
	mu        sync.Mutex
	max       int
	entries   []*Error
	index     map[errorKey]*Error
	discarded int64
}

type errorKey struct {
	kind   ErrorKind
	reason string
	status int
}

func newErrorList(max int) *errorList {
	return &errorList{max: max, index: make(map[errorKey]*Error)}
}

// add merges e into its entry and returns a copy of the entry.
func (l *errorList) add(e Error) Error {
	key := errorKey{e.Kind, e.Reason, e.StatusCode}
	l.mu.Lock()
	defer l.mu.Unlock()
	if got, ok := l.index[key]; ok {
		got.Count += e.Count
		got.Last = e.Last
		return *got
	}
	if len(l.entries) == l.max {
		old := l.entries[0]
		delete(l.index, errorKey{old.Kind, old.Reason, old.StatusCode})
		l.entries = append(l.entries[:0], l.entries[1:]...)
		l.discarded++
	}
	entry := e
	l.entries = append(l.entries, &entry)
	l.index[key] = &entry
	return entry
}

func (l *errorList) list() []Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Error, len(l.entries))
	for i, e := range l.entries {
		out[i] = *e
	}
	return out
}

// globalHandler passes errors to otel.Handle, the OTel global error
// handler, as OTel's own exporters do, but at most once per interval for
// each kind of error, so that a dead service does not flood it: a wrong
// key is reported on the first failure, then once per interval with the
// count since.
type globalHandler struct {
	interval time.Duration
	now      func() time.Time
	mu       sync.Mutex
	last     map[errorKey]time.Time
	skipped  map[errorKey]int
}

// globalReportInterval is how often one kind of error reaches otel.Handle.
const globalReportInterval = time.Minute

func newGlobalHandler() *globalHandler {
	return &globalHandler{interval: globalReportInterval, now: time.Now,
		last: make(map[errorKey]time.Time), skipped: make(map[errorKey]int)}
}

func (g *globalHandler) handle(err error) {
	var e *Error
	if !errors.As(err, &e) {
		otel.Handle(err)
		return
	}
	key := errorKey{e.Kind, e.Reason, e.StatusCode}
	now := g.now()
	g.mu.Lock()
	if last, ok := g.last[key]; ok && now.Sub(last) < g.interval {
		g.skipped[key] += e.Count
		g.mu.Unlock()
		return
	}
	if len(g.last) >= 1000 { // bound the memory of kinds seen
		clear(g.last)
		clear(g.skipped)
	}
	g.last[key] = now
	skipped := g.skipped[key]
	delete(g.skipped, key)
	g.mu.Unlock()
	if skipped > 0 {
		otel.Handle(fmt.Errorf("%w (and %d more since the last report)", e, skipped))
		return
	}
	otel.Handle(e)
}
