package devserver

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

//go:embed web
var webFiles embed.FS

// web serves the page, its state and its live websocket.
type web struct {
	store *Store
	ctx   context.Context // ends with the server: closes the page sockets
}

var pageUpgrader = websocket.Upgrader{
	// The guard has checked Host and Origin (loopback names only); the
	// page may be opened under 127.0.0.1 or localhost.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (wb *web) routes(mux *http.ServeMux) {
	files, _ := fs.Sub(webFiles, "web")
	mux.Handle("GET /ui/", http.StripPrefix("/ui/", http.FileServerFS(files)))
	mux.HandleFunc("GET /ui/api/state", wb.serveState)
	mux.HandleFunc("GET /ui/live", wb.serveLive)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ui/", http.StatusFound)
	})
}

// serveState is the whole view as JSON.
func (wb *web) serveState(w http.ResponseWriter, _ *http.Request) {
	entries, _ := wb.store.Entries()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(BuildView(entries))
}

// serveLive is the page's websocket: a message {"version": n} now and after
// every change of the store; the page then fetches the state again.
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
		entries, changed := wb.store.Entries()
		var version uint64
		if len(entries) > 0 {
			version = entries[len(entries)-1].Seq
		}
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
