package mindlyticstest

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Request is the record of one request the server received, answered,
// rejected or hit by a fault.
type Request struct {
	Time         time.Time // when it arrived
	Method, Path string
	Query        string // the raw query, without "?"
	Status       int    // 101 for a websocket; 0 when the server gave no answer (a dropped connection, an abandoned wait)
	Events       int    // events in the body, accepted or not
	// Fault is "" or the fault that hit the request: "down", "drop",
	// "throttle", "fail-next", "fail-randomly", "latency" (the client or
	// the server gave up during the wait) or "lost-reply" (accepted, then
	// the connection dropped before the answer).
	Fault         string
	Message       string // the error message answered; "" on success
	UserAgent     string
	GzipEncoded   bool // the body came with Content-Encoding: gzip
	ContentLength int64
	RemoteAddr    string // the client's end of the connection: requests that share one share it
}

func (s *Server) recordRequest(r *http.Request) *Request {
	rec := &Request{
		Time:          time.Now(),
		Method:        r.Method,
		Path:          r.URL.Path,
		Query:         r.URL.RawQuery,
		UserAgent:     r.UserAgent(),
		GzipEncoded:   strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip"),
		ContentLength: r.ContentLength,
		RemoteAddr:    r.RemoteAddr,
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	return rec
}

func (s *Server) finishRequest(rec *Request, out outcome) {
	s.mu.Lock()
	rec.Status, rec.Fault, rec.Events, rec.Message = out.status, out.fault, out.events, out.message
	s.mu.Unlock()
	s.log.Debug("mindlyticstest: request", "method", rec.Method, "path", rec.Path,
		"status", out.status, "fault", out.fault, "events", out.events)
}

// Requests returns every request received, in arrival order, including the
// rejected ones and those a fault hit. A request still in progress shows
// status 0.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// Events returns the accepted events in arrival order, each as it was
// decoded from the wire: numbers in properties, attributes and traits are
// json.Number values, and an omitted timestamp stays empty.
func (s *Server) Events() []mindlytics.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneEvents(s.events)
}

// SessionEvents returns the accepted events of one session, in arrival
// order.
func (s *Server) SessionEvents(sessionID string) []mindlytics.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []mindlytics.Event
	for _, ev := range s.events {
		if ev.SessionID == sessionID {
			out = append(out, cloneEvent(ev))
		}
	}
	return out
}

// WaitForEvents blocks until at least n events were accepted, then returns
// them all. When ctx ends first it returns the events so far and ctx's
// error; when the server closes, they and [ErrClosed].
func (s *Server) WaitForEvents(ctx context.Context, n int) ([]mindlytics.Event, error) {
	return s.wait(ctx, func(events []mindlytics.Event) bool { return len(events) >= n }, false)
}

// WaitFor blocks until cond holds for the accepted events, and returns them;
// it ends like [Server.WaitForEvents]. cond gets a copy of the events each
// time events arrive, so it may keep them.
func (s *Server) waitFor(ctx context.Context, cond func(events []mindlytics.Event) bool) ([]mindlytics.Event, error) {
	return s.wait(ctx, cond, true)
}

// wait checks cond after every change, under s.mu on the recorded events
// unless copyFirst asks for cond to get a copy, outside the lock.
func (s *Server) wait(ctx context.Context, cond func([]mindlytics.Event) bool, copyFirst bool) ([]mindlytics.Event, error) {
	for {
		s.mu.Lock()
		var events []mindlytics.Event
		done := false
		if copyFirst {
			events = cloneEvents(s.events)
		} else if done = cond(s.events); done {
			events = cloneEvents(s.events)
		}
		closed, changed := s.closed, s.changed
		s.mu.Unlock()
		if copyFirst {
			done = cond(events)
		}
		switch {
		case done:
			return events, nil
		case closed:
			return s.Events(), ErrClosed
		}
		select {
		case <-ctx.Done():
			return s.Events(), ctx.Err()
		case <-changed:
		}
	}
}

// Reset forgets the recorded requests, events, sessions, violations, users
// and live-events history, and clears every injected fault. Open websockets
// and issued live keys stay.
func (s *Server) Reset() {
	s.faults.reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.events = nil
	s.sessions = sessions{}
	s.violations = nil
	s.users.list = nil
	s.history = nil
	s.signalLocked()
}

func cloneEvents(events []mindlytics.Event) []mindlytics.Event {
	out := make([]mindlytics.Event, len(events))
	for i, ev := range events {
		out[i] = cloneEvent(ev)
	}
	return out
}

func cloneEvent(ev mindlytics.Event) mindlytics.Event {
	ev.Properties = maps.Clone(ev.Properties)
	ev.Attributes = maps.Clone(ev.Attributes)
	ev.Traits = maps.Clone(ev.Traits)
	return ev
}
