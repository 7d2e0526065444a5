package mindlyticstest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// ErrClosed is returned by the waiting methods once the server is closed.
var ErrClosed = errors.New("mindlyticstest: server closed")

// Server is a Mindlytics service on a loopback port, for tests. It checks
// every request against the contract, records what it accepts, streams live
// events over a websocket and injects faults on demand. Build it with
// [NewServer] and stop it with [Server.Close]. All its methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:<port>, with no
	// trailing slash: give it to a client as the server base.
	URL string
	// APIKey and ProjectID are what every request must carry in
	// Authorization (as a bearer token) and X-App-ID.
	APIKey, ProjectID string
	// OrganizationID is the organization of the user records and live events
	// the server answers.
	OrganizationID string

	log    *slog.Logger
	srv    *http.Server
	ctx    context.Context // cancelled by Close: stops latency waits
	cancel context.CancelFunc
	routes map[string]endpoint
	faults faults
	hub    hub
	store  Store        // nil: nothing kept
	extra  http.Handler // nil: 404 outside the contract
	// bodyMode, strict and stateless are the options of the same names.
	bodyMode  BodyMode
	strict    bool
	stateless bool

	mu         sync.Mutex // guards the fields below
	closed     bool
	changed    chan struct{} // closed and replaced on every change waiters care about
	requests   []*Request
	events     []mindlytics.Event
	sessions   sessions
	violations []string
	poison     func(mindlytics.Event) int // see AnswerEvents; nil: none
	users      users
	history    []historyEntry
	liveKeys   map[string]string // authorization key → session scope ("" for all)

	closeOnce sync.Once
	handlers  sync.WaitGroup // ServeHTTP calls in progress
	conns     sync.WaitGroup // HTTP connections not yet closed or hijacked
	serveDone chan struct{}
}

// NewServer starts a server on 127.0.0.1 with a random port (see
// [WithAddr]). It panics if it cannot listen, as net/http/httptest does.
func NewServer(opts ...Option) *Server {
	cfg := newConfig(opts)
	addr := cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		panic(fmt.Sprintf("mindlyticstest: failed to listen on %s: %v", addr, err))
	}
	s := &Server{
		URL:            "http://" + ln.Addr().String(),
		APIKey:         cfg.apiKey,
		ProjectID:      cfg.projectID,
		OrganizationID: cfg.organizationID,
		log:            cfg.logger,
		changed:        make(chan struct{}),
		liveKeys:       make(map[string]string),
		serveDone:      make(chan struct{}),
		store:          cfg.store,
		extra:          cfg.handler,
		bodyMode:       cfg.bodyMode,
		strict:         cfg.strict,
		stateless:      cfg.stateless,
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.users = users{org: s.OrganizationID, app: s.ProjectID}
	s.routes = s.newRoutes()
	s.faults.reset()
	s.hub.init(s.log)
	if s.store != nil {
		s.replay(s.store)
	}
	var handler http.Handler = s
	if cfg.guard != nil {
		handler = cfg.guard(s)
	}
	s.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ConnState:         s.trackConn,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(ln) // returns when Close closes the listener
	}()
	s.log.Debug("mindlyticstest server started", "url", s.URL, "project", s.ProjectID)
	return s
}

// LiveURL returns the websocket URL of the live-events stream,
// ws://127.0.0.1:<port>/bc/v1/live-events/ws. The server also accepts the
// websocket at the root, ws://127.0.0.1:<port>/, which is where a client
// that derives the live URL from the server base connects.
func (s *Server) LiveURL() string {
	return "ws" + s.URL[len("http"):] + pathLive
}

// ClientOptions returns the options that point a [mindlytics.Client] at this
// server: its URL, live URL, API key and project.
func (s *Server) ClientOptions() []mindlytics.ClientOption {
	return []mindlytics.ClientOption{
		mindlytics.WithServerBase(s.URL), mindlytics.WithLiveURL(s.LiveURL()),
		mindlytics.WithAPIKey(s.APIKey), mindlytics.WithProjectID(s.ProjectID),
	}
}

// Close stops the server: it closes the listener, every connection and
// websocket, cancels requests waiting on injected latency, and returns when
// every goroutine of the server has ended. Calls after the first do nothing.
// What was recorded stays readable.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.signalLocked()
		s.mu.Unlock()
		s.cancel()
		_ = s.srv.Close()
		s.hub.shutdown()
		<-s.serveDone
		s.handlers.Wait()
		s.conns.Wait()
		// As httptest does: most tests use the default transport, whose
		// idle connections to this server are now useless.
		if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
			t.CloseIdleConnections()
		}
		s.log.Debug("mindlyticstest server closed", "url", s.URL)
	})
}

// trackConn counts the HTTP connections whose goroutines Close waits for.
// Hijacked connections leave the count: websockets are the hub's, and
// dropped connections are closed at once.
func (s *Server) trackConn(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateHijacked, http.StateClosed:
		s.conns.Done()
	}
}

// enter registers a request with Close, unless the server is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// signalLocked wakes every waiter. s.mu must be held.
func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ServeHTTP handles one request: it records it, applies the injected faults
// and answers as the service would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		dropConnection(w)
		return
	}
	defer s.handlers.Done()
	if s.extra != nil && !s.isContract(r) {
		s.extra.ServeHTTP(w, r)
		return
	}
	s.handle(w, r, s.recordRequest(r))
}

// outcome is what became of a request, for its [Request] record.
type outcome struct {
	status  int
	fault   string
	events  int
	message string
}

// handle runs a request through the faults, the checks of the contract and
// its endpoint, in that order, as a service behind a load balancer would.
// Every way out completes the request's record before the client can see
// the answer, so that a test holding an answer finds its record complete.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, rec *Request) {
	if s.faults.isDown(time.Now()) {
		s.drop(w, rec, outcome{fault: faultDown})
		return
	}
	path := r.URL.Path
	ep, known := s.routes[path]
	// The body is read before any wait: only then does net/http notice a
	// client that gives up.
	var body []byte
	var bodyErr *answer
	if r.Method == http.MethodPost {
		body, bodyErr = readBody(r)
	}
	events := ep.count(body)
	if err := s.faults.wait(r.Context()); err != nil {
		// Returning without an answer would let net/http send a 200.
		s.drop(w, rec, outcome{fault: faultLatency, events: events})
		return
	}
	if isLivePath(r) {
		s.serveLive(w, r, rec)
		return
	}
	if known && ep.faulty {
		if f, ok := s.faults.next(); ok {
			s.log.Debug("mindlyticstest: injected fault", "fault", f.name, "method", r.Method, "path", path, "status", f.answer.status)
			if f.answer.status == 0 {
				s.drop(w, rec, outcome{fault: f.name, events: events})
			} else {
				s.reply(w, rec, f.answer, outcome{fault: f.name, events: events})
			}
			return
		}
	}
	a := s.route(r, ep, known, body, bodyErr)
	if a.status == http.StatusOK && known && ep.faulty && s.faults.takeLostReply() {
		s.log.Debug("mindlyticstest: injected fault", "fault", faultLostReply, "method", r.Method, "path", path)
		s.drop(w, rec, outcome{fault: faultLostReply, events: events})
		return
	}
	if a.status != http.StatusOK {
		s.log.Debug("mindlyticstest: request rejected", "method", r.Method, "path", path, "status", a.status, "message", a.message)
	}
	s.reply(w, rec, a, outcome{events: events})
}

// reply records the answer in out, then writes it.
func (s *Server) reply(w http.ResponseWriter, rec *Request, a answer, out outcome) {
	a = a.encode()
	out.status, out.message = a.status, a.message
	s.finishRequest(rec, out)
	writeAnswer(w, a)
}

// drop records out, then closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter, rec *Request, out outcome) {
	s.finishRequest(rec, out)
	dropConnection(w)
}

// dropConnection closes the request's connection without an answer: the
// client sees EOF or a reset.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection
}
