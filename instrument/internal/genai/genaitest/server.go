package genaitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Reply is one scripted answer.
type Reply struct {
	Status int         // default 200
	Header http.Header // extra headers (Retry-After, x-should-retry…)
	// Body is a JSON answer; Events a stream of server-sent events, written
	// and flushed one by one.
	Body   string
	Events []string
	// Hang keeps a stream open after its events until the client goes.
	Hang bool
	// ContentType overrides a stream's type (text/event-stream), as
	// Ollama's application/x-ndjson.
	ContentType string
}

// Request is one request the server got.
type Request struct {
	Path string
	Body string
	// Header is the request's header (X-Stainless-Retry-Count…).
	Header http.Header
}

// Server is the fake provider. Its URL is the base URL of both clients
// ("/v1" is accepted and ignored).
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []Reply
	fallback *Reply
	respond  func(Request) Reply
	requests []Request
	sent     [][]byte
}

// NewServer starts a server that answers from the replies pushed, in order;
// it closes with the test.
func NewServer(tb testing.TB) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Push adds replies to the script.
func (s *Server) Push(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = append(s.replies, r...)
}

// Always answers r whenever the script is empty (for benchmarks).
func (s *Server) Always(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &r
}

// Respond answers every request with what fn makes of it, whatever was
// pushed: for calls made side by side, whose order is not known.
func (s *Server) Respond(fn func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = fn
}

// Requests returns the requests received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sent returns the bytes of each answer's body as written, in order.
func (s *Server) Sent() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.sent...)
}

// Reset forgets the requests and answers recorded.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.sent = nil, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	req := Request{Path: strings.TrimPrefix(r.URL.Path, "/v1"), Body: string(b), Header: r.Header.Clone()}
	s.mu.Lock()
	keep := s.fallback == nil // benchmarks would grow the record without bound
	if keep {
		s.requests = append(s.requests, req)
	}
	var rep Reply
	respond := s.respond
	switch {
	case respond != nil: // called below, unlocked
	case len(s.replies) > 0:
		rep, s.replies = s.replies[0], s.replies[1:]
	case s.fallback != nil:
		rep = *s.fallback
	default:
		rep = Reply{Status: http.StatusNotImplemented, Body: `{"error":{"message":"no reply scripted","type":"test"}}`}
	}
	s.mu.Unlock()
	if respond != nil {
		rep = respond(req)
	}

	for k, v := range rep.Header {
		w.Header()[k] = v
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	// Record the answer before writing it: the client may have read it all
	// (and the test moved on to Sent) before this handler returns.
	sent := []byte(rep.Body)
	if rep.Events != nil {
		sent = []byte(strings.Join(rep.Events, ""))
	}
	if keep {
		s.mu.Lock()
		s.sent = append(s.sent, sent)
		s.mu.Unlock()
	}
	if rep.Events != nil {
		ct := rep.ContentType
		if ct == "" {
			ct = "text/event-stream; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		f, _ := w.(http.Flusher)
		for _, ev := range rep.Events {
			_, _ = io.WriteString(w, ev)
			if f != nil {
				f.Flush()
			}
		}
		if rep.Hang {
			<-r.Context().Done()
		}
	} else {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, rep.Body)
	}
}
