package queue

import (
	"fmt"
	"strings"
	"time"
)

// Kinds of [Error]: what happened to the events it is about.
const (
	// KindDropped: events refused by Enqueue because the queue was full or
	// shut down. Repeated drops are reported together, at most about once
	// per second per reason.
	KindDropped = "dropped"
	// KindInvalid: events refused by Enqueue because they could not be
	// encoded or are larger than a whole batch may be.
	KindInvalid = "invalid"
	// KindRejected: events the service refused with a permanent error
	// (4xx other than 408 and 429). A batch refused with 400 is split until
	// the refused events are isolated, one Error each.
	KindRejected = "rejected"
	// KindGaveUp: events still failing after retrying for the configured
	// max elapsed time.
	KindGaveUp = "gave up"
	// KindRetrying: the service has not accepted a request for a while
	// (unreachable, 5xx, throttling) and retries go on. Reported once per
	// outage, when a request has failed for [WithRetryingReport]; Events
	// counts the events of that request, which are not lost (yet).
	KindRetrying = "retrying"
	// KindShutdown: events not delivered before the deadline of
	// [Queue.Shutdown]; they count as dropped.
	KindShutdown = "shutdown"
)

// Error reports events the queue could not deliver, to the handler of
// [WithErrorHandler]; the exporter keeps the list. It never carries the
// request's credentials.
type Error struct {
	Time       time.Time
	StatusCode int    // the service's status code, 0 when there was no answer
	Message    string // the service's message, or what went wrong
	Kind       string // one of the Kind constants
	SessionID  string // the session of the (first) event concerned
	EventKind  string // its kind, as mindlytics.Event.Kind names it
	Events     int    // how many events this error is about
	Err        error  // the underlying error, if any
}

// Error describes what failed, for how many events and why.
func (e Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mindlytics queue: %d event(s) %s", e.Events, e.Kind)
	if e.SessionID != "" {
		fmt.Fprintf(&b, " (session %q, %s)", e.SessionID, e.EventKind)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
		if e.Message != "" {
			b.WriteString(" " + e.Message)
		}
	} else if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e Error) Unwrap() error { return e.Err }
