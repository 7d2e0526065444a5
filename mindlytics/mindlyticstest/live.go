package mindlyticstest

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// defaultHistoryLimit is how many live events GET
// /bc/v1/live-events/events answers when the request gives no limit.
const defaultHistoryLimit = 150

// liveNames are the names of the live events the server makes of the
// events that are not track events (a track event's live form keeps its
// name).
var liveNames = map[mindlytics.Type]string{
	mindlytics.TypeStartSession: wire.EventSessionStarted,
	mindlytics.TypeEndSession:   wire.EventSessionEnded,
	mindlytics.TypeIdentify:     wire.EventUserIdentified,
	mindlytics.TypeAlias:        wire.EventUserAliased,
}

// historyEntry is a live event the server streamed, with its time.
type historyEntry struct {
	at time.Time
	ev mindlytics.LiveEvent
}

// liveForm is the live event an accepted event becomes: its name, its
// properties with its attributes, the session's user and that user's traits.
func (s *Server) liveForm(ev mindlytics.Event, at time.Time, session *sessionState) mindlytics.LiveEvent {
	name := ev.Event
	if ev.Type != mindlytics.TypeTrack {
		name = liveNames[ev.Type]
	}
	props := make(map[string]any, len(ev.Properties)+len(ev.Attributes))
	if ev.Event == mindlytics.EventConversationEnded {
		// The service merges the end's properties over the start's.
		if c, ok := session.convs[ev.ConversationID]; ok {
			maps.Copy(props, c.props)
		}
	}
	maps.Copy(props, ev.Attributes)
	maps.Copy(props, ev.Properties)
	if ev.Type == mindlytics.TypeAlias {
		props["previous_id"] = ev.PreviousID
	}
	userID := ev.UserID
	if userID == "" {
		userID = session.userID
	}
	return mindlytics.LiveEvent{
		OrganizationID: s.OrganizationID,
		AppID:          s.ProjectID,
		SessionID:      ev.SessionID,
		UserID:         userID,
		ConversationID: ev.ConversationID,
		EventID:        newID(),
		Timestamp:      wire.FormatTimestamp(at),
		Event:          name,
		Properties:     props,
		UserTraits:     s.traitsLocked(userID, session.deviceID),
	}
}

// conversationEndedBySession is the "Conversation Ended" the service derives
// for a conversation still open when its session ends.
func (s *Server) conversationEndedBySession(end mindlytics.LiveEvent, c *conversationState) mindlytics.LiveEvent {
	ev := end
	ev.EventID = newID()
	ev.OriginEventID = end.EventID
	ev.ConversationID = c.id
	ev.Event = mindlytics.EventConversationEnded
	ev.Properties = maps.Clone(c.props)
	if ev.Properties == nil {
		ev.Properties = map[string]any{}
	}
	ev.UserTraits = maps.Clone(end.UserTraits)
	return ev
}

func (s *Server) traitsLocked(userID, deviceID string) map[string]any {
	u := s.users.byUserID(userID)
	if u == nil {
		u = s.users.byDevice(deviceID, false)
	}
	if u == nil {
		return map[string]any{}
	}
	return maps.Clone(u.Traits)
}

// emitLocked keeps a live event in the history and streams it. Both happen
// under s.mu, so that subscribers see events in the order they were
// accepted.
func (s *Server) emitLocked(ev mindlytics.LiveEvent, at time.Time) {
	s.history = append(s.history, historyEntry{at: at, ev: ev})
	s.hub.publish(ev)
}

// PublishLive pushes ev to every live subscriber whose scope matches (an
// unscoped subscriber gets every event, a scoped one those of its session)
// and keeps it in the live-events history. Empty fields are filled in: the
// organization, the app, a fresh event id, the time now, and empty
// properties and user traits.
func (s *Server) PublishLive(ev mindlytics.LiveEvent) {
	now := time.Now()
	at := now
	if ev.OrganizationID == "" {
		ev.OrganizationID = s.OrganizationID
	}
	if ev.AppID == "" {
		ev.AppID = s.ProjectID
	}
	if ev.EventID == "" {
		ev.EventID = newID()
	}
	if t, err := time.Parse(time.RFC3339Nano, ev.Timestamp); err == nil {
		at = t
	} else if ev.Timestamp == "" {
		ev.Timestamp = wire.FormatTimestamp(now)
	}
	ev.Properties = maps.Clone(ev.Properties)
	if ev.Properties == nil {
		ev.Properties = map[string]any{}
	}
	ev.UserTraits = maps.Clone(ev.UserTraits)
	if ev.UserTraits == nil {
		ev.UserTraits = map[string]any{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emitLocked(ev, at)
}

// PublishError pushes an [wire.EventMLError] live event carrying
// message in properties.error_message, for the session given.
func (s *Server) PublishError(sessionID, message string) {
	s.PublishLive(mindlytics.LiveEvent{
		SessionID:  sessionID,
		Event:      wire.EventMLError,
		Properties: map[string]any{"error_message": message},
	})
}

// serveRealtime is GET /bc/v1/live-events/realtime[?session_id=S]: a fresh
// authorization key for the websocket, scoped to the session when one is
// given.
func (s *Server) serveRealtime(r *http.Request, _ []byte) answer {
	scope := r.URL.Query().Get("session_id")
	if len(scope) > 0 {
		if err := (mindlytics.Event{Type: mindlytics.TypeEndSession, SessionID: scope}).Validate(); err != nil {
			return fail(http.StatusBadRequest, "Invalid session_id: %s", validationProblem(err))
		}
	}
	key := newKey()
	s.mu.Lock()
	s.liveKeys[key] = scope
	s.mu.Unlock()
	return ok(map[string]string{"authorization_key": key})
}

// liveScope returns the session scope of an authorization key, and whether
// the server issued it.
func (s *Server) liveScope(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.liveKeys[key]
	return scope, ok
}

// serveHistory is GET /bc/v1/live-events/events?start=T&end=T[&limit=N]: the
// live events of the window, start and end included, newest first.
func (s *Server) serveHistory(r *http.Request, _ []byte) answer {
	q := r.URL.Query()
	var bounds [2]time.Time
	for i, name := range []string{"start", "end"} {
		v := q.Get(name)
		if v == "" {
			return fail(http.StatusBadRequest, "Invalid query: %s is required (an RFC 3339 time)", name)
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fail(http.StatusBadRequest, "Invalid query: %s %q is not an RFC 3339 time", name, v)
		}
		bounds[i] = t
	}
	start, end := bounds[0], bounds[1]
	if end.Before(start) {
		return fail(http.StatusBadRequest, "Invalid query: end is before start")
	}
	limit := defaultHistoryLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fail(http.StatusBadRequest, "Invalid query: limit %q is not a positive integer", v)
		}
		limit = n
	}

	s.mu.Lock()
	var window []historyEntry
	for _, h := range s.history {
		if !h.at.Before(start) && !h.at.After(end) {
			window = append(window, h)
		}
	}
	s.mu.Unlock()
	// Newest first; of events of one time, the later arrival first.
	slices.Reverse(window)
	slices.SortStableFunc(window, func(a, b historyEntry) int { return b.at.Compare(a.at) })
	out := make([]mindlytics.LiveEvent, 0, min(limit, len(window)))
	for _, h := range window[:min(limit, len(window))] {
		out = append(out, h.ev)
	}
	return ok(out)
}

// newID returns a random UUID (version 4) for event and user ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newKey returns a random authorization key for the websocket.
func newKey() string {
	return "live_" + rand.Text()
}
