package mindlyticstest

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Batch is the events of one accepted request, as a [Store] keeps them.
type Batch struct {
	// Accepted is when the server accepted the batch: the time of events
	// that carry no timestamp of their own.
	Accepted time.Time
	Events   []mindlytics.Event
}

// Store keeps what a Server accepts, so that a server started again on the
// same store knows it again (a local Mindlytics that survives a crash).
// The server calls it under its lock, so batches reach it one at a time, in
// the order they are accepted.
type Store interface {
	// Load returns the batches kept so far, oldest first. NewServer replays
	// them, as if just accepted, before it serves any request.
	Load() ([]Batch, error)
	// Append keeps one batch before the server answers 200 for it: when it
	// returns nil the batch must survive a crash. On an error the server
	// records nothing and answers 503, which clients retry. ctx is the
	// request's context, values included.
	Append(ctx context.Context, b Batch) error
}

// WithStore makes the server keep every batch of events it accepts in st
// and start with what st holds. Without it the server forgets everything on
// Close. Users of the identify and alias endpoints outside sessions are not
// kept. NewServer panics if st cannot be loaded.
func WithStore(st Store) Option {
	return optionFunc(func(c *config) { c.store = st })
}

// WithHandler makes the server hand the requests for paths outside the
// contract (neither an endpoint of it nor the live-events websocket) to h,
// with no credentials checked and no record, instead of answering 404: a
// program can serve a page or another intake beside the contract on the
// server's port. Close waits for h's requests to end, and cancels their
// contexts first.
func WithHandler(h http.Handler) Option {
	return optionFunc(func(c *config) { c.handler = h })
}

// replay accepts the batches of the store again, before any request.
func (s *Server) replay(st Store) {
	batches, err := st.Load()
	if err != nil {
		panic(fmt.Sprintf("mindlyticstest: failed to load the store: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range batches {
		for _, ev := range b.Events {
			s.acceptLocked(ev, b.Accepted)
		}
	}
}

// isContract reports whether r is for an endpoint of the contract or the
// live-events websocket.
func (s *Server) isContract(r *http.Request) bool {
	_, known := s.routes[r.URL.Path]
	return known || isLivePath(r)
}
