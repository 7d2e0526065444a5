package mindlyticstest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Paths of the contract besides the event endpoints, which package
// mindlytics names.
const (
	pathUserIdentify  = "/bc/v1/user/identify"
	pathUserAlias     = "/bc/v1/user/alias"
	pathLiveRealtime  = "/bc/v1/live-events/realtime"
	pathLiveHistory   = "/bc/v1/live-events/events"
	pathLive          = "/bc/v1/live-events/ws"
	pathEventKindRoot = wire.PathEvent + "/"
)

// eventKinds are the last path segments of the per-kind event endpoints.
var eventKinds = []string{
	"start-session", "end-session", "identify", "alias", "track",
	"start-conversation", "end-conversation", "conversation-turn",
	"conversation-usage", "conversation-function",
}

// bodyShape says how many events a request body carries.
type bodyShape int

const (
	noEvents  bodyShape = iota
	oneEvent            // a JSON object
	eventList           // a JSON array of events
)

// endpoint is one method and path of the contract.
type endpoint struct {
	method string
	// faulty endpoints (the event and user ones) are where FailNext,
	// FailRandomly, Throttle and DropConnections apply.
	faulty bool
	shape  bodyShape
	serve  func(r *http.Request, body []byte) answer
}

func (s *Server) newRoutes() map[string]endpoint {
	routes := map[string]endpoint{
		wire.PathEventsQueue: {http.MethodPost, true, eventList, s.serveQueue},
		wire.PathEvent:       {http.MethodPost, true, oneEvent, s.serveEvent},
		pathUserIdentify:     {http.MethodPost, true, noEvents, s.serveUserIdentify},
		pathUserAlias:        {http.MethodPost, true, noEvents, s.serveUserAlias},
		pathLiveRealtime:     {http.MethodGet, false, noEvents, s.serveRealtime},
		pathLiveHistory:      {http.MethodGet, false, noEvents, s.serveHistory},
	}
	for _, kind := range eventKinds {
		routes[pathEventKindRoot+kind] = endpoint{http.MethodPost, true, oneEvent, s.serveEvent}
	}
	return routes
}

// count returns how many events body carries, accepted or not, for the
// request's record.
func (ep endpoint) count(body []byte) int {
	switch ep.shape {
	case oneEvent:
		if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
			return 1
		}
	case eventList:
		if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
			return 1
		}
		var list []json.RawMessage
		if json.Unmarshal(body, &list) == nil {
			return len(list)
		}
	}
	return 0
}

// route checks a request as the service does, credentials first, then
// serves it.
func (s *Server) route(r *http.Request, ep endpoint, known bool, body []byte, bodyErr *answer) answer {
	if a, ok := s.checkCredentials(r); !ok {
		return a
	}
	switch {
	case !known:
		return fail(http.StatusNotFound, "Not found: %s", r.URL.Path)
	case r.Method != ep.method:
		a := fail(http.StatusMethodNotAllowed, "Method not allowed: %s %s", r.Method, r.URL.Path)
		a.allow = ep.method
		return a
	case bodyErr != nil:
		return *bodyErr
	}
	return ep.serve(r, body)
}

// checkCredentials compares the API key and project of the request with the
// server's. The key never appears in an answer or a log.
func (s *Server) checkCredentials(r *http.Request) (answer, bool) {
	key, _ := bearerToken(r)
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.APIKey)) != 1 {
		s.log.Info("mindlyticstest: request with a missing or wrong API key", "method", r.Method, "path", r.URL.Path)
		return fail(http.StatusForbidden, "Unauthorized: No organization found for given apikey"), false
	}
	switch app := r.Header.Get("X-App-ID"); {
	case app == "":
		return fail(http.StatusForbidden, "Unauthorized: missing X-App-ID header"), false
	case app != s.ProjectID:
		// Not echoed: a caller who swapped the headers would see its key.
		return fail(http.StatusForbidden, "Unauthorized: X-App-ID names no app of the organization of this apikey"), false
	}
	return answer{}, true
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// answer is what the server replies: a JSON body on 200, a plain-text
// message otherwise.
type answer struct {
	status     int
	body       any    // encoded as JSON on 200
	message    string // the plain-text body otherwise
	retryAfter string
	allow      string
	encoded    []byte // body, once encoded
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func fail(status int, format string, args ...any) answer {
	return answer{status: status, message: fmt.Sprintf(format, args...)}
}

// encode encodes the body of a 200; one that cannot be encoded makes a 500.
func (a answer) encode() answer {
	if a.status != http.StatusOK || a.encoded != nil {
		return a
	}
	b, err := json.Marshal(a.body)
	if err != nil {
		return fail(http.StatusInternalServerError, "Internal error: encoding the answer: %v", err)
	}
	a.encoded = b
	return a
}

func writeAnswer(w http.ResponseWriter, a answer) {
	a = a.encode()
	h := w.Header()
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	if a.allow != "" {
		h.Set("Allow", a.allow)
	}
	body := a.encoded
	if a.status == http.StatusOK {
		h.Set("Content-Type", "application/json")
	} else {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		body = []byte(a.message)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(body)
}
