package devserver

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// maxSockets is how many websockets (the page's and the contract's live
// events) may be open at once: a page opened many times, not a flood.
const maxSockets = 64

// guard protects a server meant for loopback use. A web page the browser
// loaded from elsewhere can reach 127.0.0.1 through DNS rebinding (a name
// of its own that now resolves to 127.0.0.1, so its requests are
// same-origin to the browser): such requests carry that name in Host,
// and in Origin. So Host must be an IP address or localhost, and an
// Origin, when sent (browsers send it, other programs do not), must be
// one too. Websockets are counted and capped at maxSockets.
type guard struct {
	next    http.Handler
	sockets atomic.Int64
}

func newGuard(next http.Handler) http.Handler { return &guard{next: next} }

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !localName(r.Host) {
		http.Error(w, "Host "+r.Host+" refused: the local Mindlytics answers to an IP address or localhost only", http.StatusForbidden)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !localName(u.Host) {
			http.Error(w, "Origin "+origin+" refused: pages of other sites may not use the local Mindlytics", http.StatusForbidden)
			return
		}
	}
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		// The handler of a websocket runs as long as the socket is open.
		defer g.sockets.Add(-1)
		if g.sockets.Add(1) > maxSockets {
			http.Error(w, "too many websockets open", http.StatusServiceUnavailable)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// localName reports whether host (with or without a port) is an IP
// address, localhost or a name under .localhost: names no other site can
// make resolve to this machine.
func localName(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.ToLower(host)
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// IsLoopback reports whether addr, a listen address such as
// "127.0.0.1:8765", listens on loopback only. Any other address exposes
// every conversation, and the ability to send events with the dev key,
// to whoever can reach it.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
