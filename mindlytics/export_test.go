package mindlytics

import "context"

// LiveEventsKey lets the integration tests ask for the live-events key as
// SubscribeLive does before each connection.
func (c *Client) LiveEventsKey(ctx context.Context, sessionID string) (string, error) {
	return c.liveEventsKey(ctx, sessionID)
}
