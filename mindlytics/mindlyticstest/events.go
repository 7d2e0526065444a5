package mindlyticstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// serveQueue is POST /bc/v1/events/queue: a JSON array of events, or one
// event object, as the server's BodyMode allows; accepted all together or
// not at all.
func (s *Server) serveQueue(r *http.Request, body []byte) answer {
	var raws []json.RawMessage
	object := false
	switch b := bytes.TrimSpace(body); {
	case len(b) > 0 && b[0] == '{':
		if s.bodyMode == BodyArraysOnly {
			return fail(http.StatusBadRequest, "Invalid body: expected a JSON array of events")
		}
		raws, object = []json.RawMessage{b}, true
	case s.bodyMode == BodyObjectsOnly:
		return fail(http.StatusBadRequest, "Invalid body: expected one event object")
	default:
		if err := decodeStrict(body, &raws); err != nil {
			return fail(http.StatusBadRequest, "Invalid body: %v", err)
		}
		if raws == nil {
			return fail(http.StatusBadRequest, "Invalid body: expected a JSON array of events, got null")
		}
	}
	events := make([]mindlytics.Event, len(raws))
	for i, raw := range raws {
		ev, problem := s.parseEvent(raw)
		switch {
		case problem != "" && object:
			return fail(http.StatusBadRequest, "Invalid event: %s", problem)
		case problem != "":
			return fail(http.StatusBadRequest, "Invalid event at index %d: %s", i, problem)
		}
		events[i] = ev
	}
	if a, refused := s.poisoned(events); refused {
		return a
	}
	if _, err := s.accept(r.Context(), events); err != nil {
		return storeFailure(err)
	}
	return ok(map[string]string{"status": "queued"})
}

// AnswerEvents makes the event endpoints answer status to any request
// holding an event for which answer returns a status other than 0 (a
// "poison" event: 500 plays a service that fails on it), accepting nothing
// of that request. nil turns it off; Reset leaves it.
func (s *Server) AnswerEvents(answer func(mindlytics.Event) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.poison = answer
}

// poisoned is the answer to a request holding an event AnswerEvents picks.
func (s *Server) poisoned(events []mindlytics.Event) (answer, bool) {
	s.mu.Lock()
	poison := s.poison
	s.mu.Unlock()
	if poison == nil {
		return answer{}, false
	}
	for i, ev := range events {
		if status := poison(ev); status != 0 && status != http.StatusOK {
			return fail(status, "Failed on the event at index %d (%s)", i, ev.Kind()), true
		}
	}
	return answer{}, false
}

// serveEvent is POST /bc/v1/events/event and its per-kind children: one
// event, processed at once; the answer is the live events it produced.
func (s *Server) serveEvent(r *http.Request, body []byte) answer {
	ev, problem := s.parseEvent(body)
	if problem != "" {
		if !strings.HasPrefix(problem, wireTypeProblem) {
			problem = "Invalid event: " + problem
		}
		return fail(http.StatusBadRequest, "%s", problem)
	}
	if path := r.URL.Path; path != wire.PathEvent {
		if want := wire.KindPath(string(ev.Type), ev.Event); want != path {
			return fail(http.StatusBadRequest, "Invalid event for %s: a %s event belongs on %s", path, ev.Kind(), want)
		}
	}
	if a, refused := s.poisoned([]mindlytics.Event{ev}); refused {
		return a
	}
	lives, err := s.accept(r.Context(), []mindlytics.Event{ev})
	if err != nil {
		return storeFailure(err)
	}
	return ok(specAnswer(ev.Type, lives[0]))
}

const wireTypeProblem = "Invalid wire type: "

// specAnswer is the answer of the event endpoints as the published spec
// gives it: an array of flat objects, each with the "type" of the event
// and scalar fields (no nested object: the live event's properties are
// written beside its fields, which win); the events the service made of
// the one sent, its own first.
func specAnswer(typ mindlytics.Type, lives []mindlytics.LiveEvent) []map[string]any {
	out := make([]map[string]any, len(lives))
	for i, le := range lives {
		m := make(map[string]any, len(le.Properties)+10)
		for k, v := range le.Properties {
			if wire.CheckScalar(v) == nil {
				m[k] = v
			}
		}
		m["type"] = string(typ)
		if i > 0 {
			m["type"] = string(mindlytics.TypeTrack) // derived events are track events
		}
		for k, v := range map[string]string{
			"organization_id": le.OrganizationID, "app_id": le.AppID, "session_id": le.SessionID,
			"user_id": le.UserID, "conversation_id": le.ConversationID, "event_id": le.EventID,
			"origin_event_id": le.OriginEventID, "timestamp": le.Timestamp, "event": le.Event,
		} {
			if v != "" {
				m[k] = v
			}
		}
		out[i] = m
	}
	return out
}

// parseEvent decodes and validates one event, strictly with WithStrict.
// The problem, when there is one, names the field.
func (s *Server) parseEvent(raw []byte) (mindlytics.Event, string) {
	var ev mindlytics.Event
	decode := decodeEvent
	if s.strict {
		decode = decodeStrict
	}
	if err := decode(raw, &ev); err != nil {
		return ev, err.Error()
	}
	switch ev.Type {
	case "":
		return ev, wireTypeProblem + "undefined"
	case mindlytics.TypeStartSession, mindlytics.TypeEndSession, mindlytics.TypeIdentify,
		mindlytics.TypeAlias, mindlytics.TypeTrack:
	default:
		return ev, wireTypeProblem + string(ev.Type)
	}
	if err := ev.Validate(); err != nil {
		return ev, validationProblem(err)
	}
	return ev, ""
}

// validationProblem is "field: reason" for a [*mindlytics.ValidationError].
func validationProblem(err error) string {
	var ve *mindlytics.ValidationError
	if errors.As(err, &ve) {
		return ve.Field + ": " + ve.Reason
	}
	return err.Error()
}

// accept records valid events, all under one lock so that a batch lands
// whole and in order, and streams what they produce. It returns the live
// events each event produced: its own live form, then any derived ones. With
// a store, the batch is kept first; if it cannot be, nothing is recorded.
func (s *Server) accept(ctx context.Context, events []mindlytics.Event) ([][]mindlytics.LiveEvent, error) {
	now := time.Now()
	out := make([][]mindlytics.LiveEvent, len(events))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		if err := s.store.Append(ctx, Batch{Accepted: now, Events: cloneEvents(events)}); err != nil {
			s.log.Error("mindlyticstest: storing a batch failed", "events", len(events), "error", err)
			return nil, err
		}
	}
	for i, ev := range events {
		out[i] = s.acceptLocked(ev, now)
	}
	s.signalLocked()
	return out, nil
}

// storeFailure is the answer when the store refused a batch: retryable.
func storeFailure(err error) answer {
	return fail(http.StatusServiceUnavailable, "Service unavailable: storing the batch: %v", err)
}

func (s *Server) acceptLocked(ev mindlytics.Event, now time.Time) []mindlytics.LiveEvent {
	at := now
	if ev.Timestamp != "" {
		at, _ = time.Parse(time.RFC3339Nano, ev.Timestamp) // Validate checked it
	}
	session := s.sessions.get(ev.SessionID)
	violations, ended := session.observe(ev, at, s.stateless)
	s.violations = append(s.violations, violations...)
	switch ev.Type {
	case mindlytics.TypeIdentify:
		s.users.identify(ev.ID, ev.DeviceID, ev.Traits, now)
	case mindlytics.TypeAlias:
		s.users.alias(ev.ID, ev.PreviousID, now)
	}
	s.events = append(s.events, ev)

	own := s.liveForm(ev, at, session)
	lives := []mindlytics.LiveEvent{own}
	for _, conv := range ended {
		lives = append(lives, s.conversationEndedBySession(own, conv))
	}
	for _, le := range lives {
		s.emitLocked(le, at)
	}
	return lives
}
