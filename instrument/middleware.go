package instrument

import (
	"net/http"
)

// Headers names the request headers [Client.Middleware] reads.
type Headers struct {
	SessionID, ConversationID, UserID, DeviceID string
}

// DefaultHeaders are the headers the middleware reads unless told others.
var DefaultHeaders = Headers{
	SessionID:      "X-Session-ID",
	ConversationID: "X-Conversation-ID",
	UserID:         "X-User-ID",
	DeviceID:       "X-Device-ID",
}

// Middleware returns net/http middleware that joins the request's session
// ([Client.JoinSession]) and puts it, and its conversation, in the request
// context: from the headers h names (zero fields take [DefaultHeaders]),
// else from the W3C baggage a calling service sent (install otelhttp's
// handler outside this middleware, with the baggage propagator, so that the
// baggage is in the context). A request without a session, or with ids
// that are not valid, goes on without one.
func (c *Client) Middleware(h Headers) func(http.Handler) http.Handler {
	h = h.withDefaults()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			id := identityFromBaggage(ctx)
			upstream := id[fSession]
			for f, name := range [...]string{fSession: h.SessionID, fUser: h.UserID, fDevice: h.DeviceID, fConversation: h.ConversationID} {
				if v := r.Header.Get(name); v != "" {
					id[f] = v
				}
			}
			if id[fSession] == "" {
				next.ServeHTTP(w, r)
				return
			}
			// The caller's session, owned there: this service's spans of it
			// say so, and its translation neither starts nor ends it.
			owned := upstream == id[fSession] && ownedUpstream(ctx)
			ctx, _, err := c.joinSession(ctx, SessionConfig{ID: id[fSession], UserID: id[fUser], DeviceID: id[fDevice]}, owned)
			if err != nil {
				c.cfg.logger.DebugContext(r.Context(), "instrument: request without a session", "error", err.Error())
				next.ServeHTTP(w, r)
				return
			}
			if id[fConversation] != "" {
				ctx = ContextWithConversation(ctx, id[fConversation])
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func (h Headers) withDefaults() Headers {
	d := DefaultHeaders
	if h.SessionID == "" {
		h.SessionID = d.SessionID
	}
	if h.ConversationID == "" {
		h.ConversationID = d.ConversationID
	}
	if h.UserID == "" {
		h.UserID = d.UserID
	}
	if h.DeviceID == "" {
		h.DeviceID = d.DeviceID
	}
	return h
}
