package mindlytics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Paths of the live-events endpoints.
const (
	PathLiveRealtime = "/bc/v1/live-events/realtime"
	PathLiveHistory  = "/bc/v1/live-events/events"
)

// LiveEventsKey asks for the authorization key of the live-events websocket
// (GET /bc/v1/live-events/realtime), scoped to one session when sessionID is
// not empty. [Client.SubscribeLive] calls it before every connection.
func (c *Client) LiveEventsKey(ctx context.Context, sessionID string) (string, error) {
	if err := checkID("session_id", sessionID, false); err != nil {
		return "", err
	}
	var query url.Values
	if sessionID != "" {
		query = url.Values{"session_id": {sessionID}}
	}
	var answer struct {
		AuthorizationKey string `json:"authorization_key"`
	}
	if err := c.call(ctx, http.MethodGet, PathLiveRealtime, query, nil, &answer); err != nil {
		return "", err
	}
	if answer.AuthorizationKey == "" {
		return "", fmt.Errorf("mindlytics: %s %s: the answer holds no authorization_key", http.MethodGet, PathLiveRealtime)
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
			FormatTimestamp(end), FormatTimestamp(start))
	case limit < 0:
		return nil, fmt.Errorf("mindlytics: live events history: negative limit %d", limit)
	}
	query := url.Values{
		"start": {FormatTimestamp(start)},
		"end":   {FormatTimestamp(end)},
	}
	if limit > 0 {
		query.Set("limit", strconv.Itoa(limit))
	}
	var events []LiveEvent
	if err := c.call(ctx, http.MethodGet, PathLiveHistory, query, nil, &events); err != nil {
		return nil, err
	}
	return events, nil
}
