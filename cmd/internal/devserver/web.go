package devserver

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

//go:embed web
var webFiles embed.FS

// web serves the page and what it asks: pages of sessions, one session,
// and a websocket that says when the store changed.
type web struct {
	store *Store
	ctx   context.Context // ends with the server: closes the page sockets
	setup func() Setup
}

// Setup is what the page's empty state tells an app to point at this
// server.
type Setup struct {
	URL       string `json:"url"`
	APIKey    string `json:"api_key"` // the local server's own key, never a service's
	ProjectID string `json:"project_id"`
}

var pageUpgrader = websocket.Upgrader{
	// The guard has checked Host and Origin (loopback names only); the
	// page may be opened under 127.0.0.1 or localhost.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (wb *web) routes(mux *http.ServeMux) {
	files, _ := fs.Sub(webFiles, "web")
	mux.Handle("GET /ui/", http.StripPrefix("/ui/", http.FileServerFS(files)))
	mux.HandleFunc("GET /ui/api/sessions", wb.serveSessions)
	mux.HandleFunc("GET /ui/api/session/{id}", wb.serveSession)
	mux.HandleFunc("GET /ui/api/setup", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, wb.setup()) })
	mux.HandleFunc("GET /ui/live", wb.serveLive)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "favicon.svg")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ui/", http.StatusFound)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// serveSessions is a page of sessions: ?q= (search), filter= (open, ended,
// warnings), cursor= (a page's next), limit=.
func (wb *web) serveSessions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	p, err := wb.store.Sessions(Query{Text: q.Get("q"), Filter: q.Get("filter"), Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, p)
}

// serveSession is one session; with ?since=v, 204 when it has not changed
// since version v.
func (wb *web) serveSession(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	since, err := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	if v, ok := wb.store.sessionVersion(id); ok && err == nil && v <= since {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s := wb.store.Session(id)
	if s == nil {
		http.Error(w, "no session "+strconv.Quote(id), http.StatusNotFound)
		return
	}
	writeJSON(w, s)
}

// serveLive is the page's websocket: a message {"version": n} now and after
// every change of the store; the page then asks again for what it shows.
func (wb *web) serveLive(w http.ResponseWriter, r *http.Request) {
	ws, err := pageUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = ws.Close() }()
	gone := make(chan struct{})
	go func() { // reads nothing but the close
		defer close(gone)
		for {
			if _, _, err := ws.NextReader(); err != nil {
				return
			}
		}
	}()
	defer func() { _ = ws.Close(); <-gone }()
	for {
		version, changed := wb.store.Changed()
		_ = ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := ws.WriteJSON(map[string]uint64{"version": version}); err != nil {
			return
		}
		select {
		case <-changed:
		case <-gone:
			return
		case <-wb.ctx.Done():
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
			return
		case <-r.Context().Done():
			return
		}
	}
}
