package mindlytics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// liveEventsKey asks for the authorization key of the live-events websocket
// (GET /bc/v1/live-events/realtime), scoped to one session when sessionID is
// not empty. [Client.SubscribeLive] calls it before every connection.
func (c *Client) liveEventsKey(ctx context.Context, sessionID string) (string, error) {
	var query url.Values
	if sessionID != "" {
		query = url.Values{"session_id": {sessionID}}
	}
	var answer struct {
		AuthorizationKey string `json:"authorization_key"`
	}
	if err := c.call(ctx, http.MethodGet, wire.PathLiveRealtime, query, nil, &answer); err != nil {
		return "", err
	}
	if answer.AuthorizationKey == "" {
		return "", fmt.Errorf("mindlytics: %s %s: the answer holds no authorization_key", http.MethodGet, wire.PathLiveRealtime)
	}
	return answer.AuthorizationKey, nil
}

// LiveEventsHistory lists the live events between start and end
// (GET /bc/v1/live-events/events), newest first. limit caps their number;
// zero leaves it to the service (150).
func (c *Client) LiveEventsHistory(ctx context.Context, start, end time.Time, limit int) ([]LiveEvent, error) {
	switch {
	case start.IsZero() || end.IsZero():
		return nil, errors.New("mindlytics: live events history: start and end are required")
	case end.Before(start):
		return nil, fmt.Errorf("mindlytics: live events history: end %s is before start %s",
			wire.FormatTimestamp(end), wire.FormatTimestamp(start))
	case limit < 0:
		return nil, fmt.Errorf("mindlytics: live events history: negative limit %d", limit)
	}
	query := url.Values{
		"start": {wire.FormatTimestamp(start)},
		"end":   {wire.FormatTimestamp(end)},
	}
	if limit > 0 {
		query.Set("limit", strconv.Itoa(limit))
	}
	var events []LiveEvent
	if err := c.call(ctx, http.MethodGet, wire.PathLiveHistory, query, nil, &events); err != nil {
		return nil, err
	}
	return events, nil
}
