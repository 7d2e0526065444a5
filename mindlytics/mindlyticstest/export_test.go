package mindlyticstest

import (
	"context"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// What the tests read that users need not: the body bound, every user,
// waiting on any condition.

const MaxBodyBytes = maxBodyBytes

func (s *Server) Users() []User { return s.allUsers() }

func (s *Server) WaitFor(ctx context.Context, cond func(events []mindlytics.Event) bool) ([]mindlytics.Event, error) {
	return s.waitFor(ctx, cond)
}

const (
	DefaultHistoryLimit = defaultHistoryLimit
	DefaultAPIKey       = defaultAPIKey
	DefaultProjectID    = defaultProjectID
)
