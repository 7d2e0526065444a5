package mindlyticstest

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Limits of a live-events websocket.
const (
	// liveBuffer is how many messages a subscriber may have waiting; one
	// that falls further behind is disconnected (1008) rather than silently
	// missing events.
	liveBuffer       = 1024
	liveWriteTimeout = 5 * time.Second
	liveCloseTimeout = time.Second
	liveReadLimit    = 64 << 10
)

var upgrader = websocket.Upgrader{
	// Any origin: a test server, and the contract's clients are not browsers.
	CheckOrigin: func(*http.Request) bool { return true },
}

// isLivePath reports whether r is for the live-events websocket: on its
// path, or an upgrade at the root, where a client that derives the live URL
// from the server base connects.
func isLivePath(r *http.Request) bool {
	return r.URL.Path == pathLive || (r.URL.Path == "/" && websocket.IsWebSocketUpgrade(r))
}

// serveLive upgrades a request bearing a key from /realtime to a websocket
// that streams live events in its key's scope. The subscriber is registered
// before the handshake's answer goes out, so that a client whose dial
// returned gets every event published after.
func (s *Server) serveLive(w http.ResponseWriter, r *http.Request, rec *Request) {
	if r.Method != http.MethodGet {
		a := fail(http.StatusMethodNotAllowed, "Method not allowed: %s %s", r.Method, r.URL.Path)
		a.allow = http.MethodGet
		s.reply(w, rec, a, outcome{})
		return
	}
	key, _ := bearerToken(r)
	scope, known := s.liveScope(key)
	if !known {
		s.log.Info("mindlyticstest: live websocket with a missing or unknown authorization key")
		s.reply(w, rec, fail(http.StatusUnauthorized, "Unauthorized: invalid authorization key"), outcome{})
		return
	}
	var c *liveConn
	uw := &upgradeWriter{
		ResponseWriter: w,
		// The upgrader refuses the handshake.
		beforeStatus: func(status int) { s.finishRequest(rec, outcome{status: status}) },
		// The upgrader accepts it, and writes the 101 next.
		beforeHijack: func() error {
			if c = s.hub.register(scope); c == nil {
				return ErrClosed
			}
			s.finishRequest(rec, outcome{status: http.StatusSwitchingProtocols})
			return nil
		},
	}
	ws, err := upgrader.Upgrade(uw, r, nil)
	if err != nil {
		out := outcome{status: uw.status, message: err.Error()}
		if c != nil { // hijacked, but the 101 could not be written
			s.hub.remove(c, websocket.CloseAbnormalClosure, "")
			out.status = 0
		}
		s.finishRequest(rec, out)
		return
	}
	s.hub.start(c, ws)
}

// upgradeWriter lets serveLive act before the websocket upgrader answers.
type upgradeWriter struct {
	http.ResponseWriter
	status       int
	beforeStatus func(status int)
	beforeHijack func() error
}

func (w *upgradeWriter) WriteHeader(status int) {
	w.status = status
	w.beforeStatus(status)
	w.ResponseWriter.WriteHeader(status)
}

// Hijack hands the connection to the upgrader.
func (w *upgradeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if err := w.beforeHijack(); err != nil {
		return nil, nil, err
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// hub holds the open live-event websockets.
type hub struct {
	log    *slog.Logger
	mu     sync.Mutex
	closed bool
	conns  map[*liveConn]struct{}
	wg     sync.WaitGroup // the goroutines of every connection
}

func (h *hub) init(log *slog.Logger) {
	h.log = log
	h.conns = make(map[*liveConn]struct{})
}

// liveConn is one websocket: a writer goroutine sends what publish queues
// on send, a reader goroutine answers pings and notices the client leaving.
type liveConn struct {
	ws    *websocket.Conn
	scope string // session id, or "" for every session
	send  chan []byte
	quit  chan struct{} // closed by stop
	once  sync.Once
	code  int // close code and text, set by stop
	text  string
}

// stop asks the writer to send what is queued, then a close frame, and to
// close the connection. It does not block.
func (c *liveConn) stop(code int, text string) {
	c.once.Do(func() {
		c.code, c.text = code, text
		close(c.quit)
	})
}

// closeSocket sends the close frame stop asked for, and closes the
// connection. The reader goroutine then ends too.
func (c *liveConn) closeSocket() {
	msg := websocket.FormatCloseMessage(c.code, c.text)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(liveCloseTimeout))
	_ = c.ws.Close()
}

func (c *liveConn) wants(ev *mindlytics.LiveEvent) bool {
	return c.scope == "" || c.scope == ev.SessionID
}

// register adds a subscriber whose websocket is not open yet: publish
// queues events for it until start. It returns nil once the hub is shut down.
func (h *hub) register(scope string) *liveConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	c := &liveConn{scope: scope, send: make(chan []byte, liveBuffer), quit: make(chan struct{})}
	h.conns[c] = struct{}{}
	return c
}

// start runs a registered subscriber on its open websocket. One stopped in
// the meantime gets its close frame at once.
func (h *hub) start(c *liveConn, ws *websocket.Conn) {
	c.ws = ws
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		c.stop(websocket.CloseGoingAway, "server closed")
		c.closeSocket()
		return
	}
	h.wg.Add(2)
	h.mu.Unlock()
	h.log.Debug("mindlyticstest: live websocket opened", "scope", c.scope)
	go h.write(c)
	go h.read(c)
}

// remove forgets c and stops it.
func (h *hub) remove(c *liveConn, code int, text string) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	c.stop(code, text)
}

// write sends the subscriber's messages until it is stopped, then what is
// still queued, then the close frame.
func (h *hub) write(c *liveConn) {
	defer h.wg.Done()
	for {
		select {
		case msg := <-c.send:
			if !h.writeMessage(c, msg) {
				return
			}
		case <-c.quit:
			for {
				select {
				case msg := <-c.send:
					if !h.writeMessage(c, msg) {
						return
					}
				default:
					c.closeSocket()
					return
				}
			}
		}
	}
}

// writeMessage writes one message; on failure it drops the subscriber.
func (h *hub) writeMessage(c *liveConn, msg []byte) bool {
	_ = c.ws.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		h.log.Debug("mindlyticstest: live websocket write failed", "error", err)
		h.remove(c, websocket.CloseAbnormalClosure, "")
		_ = c.ws.Close()
		return false
	}
	return true
}

// read discards what the client sends; gorilla answers pings and close
// frames on the way. It ends when the connection does.
func (h *hub) read(c *liveConn) {
	defer h.wg.Done()
	c.ws.SetReadLimit(liveReadLimit)
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			h.remove(c, websocket.CloseNormalClosure, "")
			h.log.Debug("mindlyticstest: live websocket closed", "scope", c.scope)
			return
		}
	}
}

// publish queues ev for every subscriber in its scope. A subscriber whose
// buffer is full is disconnected.
func (h *hub) publish(ev mindlytics.LiveEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.conns) == 0 {
		return
	}
	msg, err := json.Marshal(ev)
	if err != nil {
		h.log.Warn("mindlyticstest: live event not encodable, not streamed", "event", ev.Event, "error", err)
		return
	}
	for c := range h.conns {
		if !c.wants(&ev) {
			continue
		}
		select {
		case c.send <- msg:
		default:
			h.log.Warn("mindlyticstest: live subscriber too slow, disconnected", "scope", c.scope)
			delete(h.conns, c)
			c.stop(websocket.ClosePolicyViolation, "subscriber too slow")
		}
	}
}

// closeAll closes every open websocket with the code and text given.
func (h *hub) closeAll(code int, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		delete(h.conns, c)
		c.stop(code, text)
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// shutdown closes every websocket, refuses new ones and waits for their
// goroutines.
func (h *hub) shutdown() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.closeAll(websocket.CloseGoingAway, "server closed")
	h.wg.Wait()
}

// CloseLiveConnections closes every open live-event websocket from the
// server's side with 1012 (service restart), as a redeploy of the service
// would; clients are expected to reconnect. Events already queued for a
// socket go out before its close frame. Keys stay valid.
func (s *Server) CloseLiveConnections() {
	s.hub.closeAll(websocket.CloseServiceRestart, "service restart")
}

// LiveConnections returns how many live-event websockets are open now.
func (s *Server) LiveConnections() int {
	return s.hub.count()
}
