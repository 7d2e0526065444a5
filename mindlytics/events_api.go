package mindlytics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// SendBatch posts already-encoded events to the batch endpoint
// (POST /bc/v1/events/queue) as one JSON array, written as given, without
// decoding or encoding them again. Each element must be one JSON-encoded,
// valid [Event]; the caller (the batching queue) encodes and validates them
// once. An empty element is a [*ValidationError] and nothing is sent; an
// empty batch sends nothing.
func (c *Client) SendBatch(ctx context.Context, events []json.RawMessage) error {
	if len(events) == 0 {
		return nil
	}
	size := len(events) + 1 // brackets and commas
	for i, ev := range events {
		if len(ev) == 0 {
			return fieldError(fmt.Sprintf("events[%d]", i), "empty; each element must be one encoded event")
		}
		size += len(ev)
	}
	// The body is built in a pooled buffer, kept until the transport is
	// done with it (body.go).
	sb := newSharedBody(size)
	defer sb.release()
	body := append(*sb.buf, '[')
	for i, ev := range events {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, ev...)
	}
	body = append(body, ']')
	*sb.buf = body
	return c.send(ctx, http.MethodPost, wire.PathEventsQueue, nil, body, sb, nil)
}

// SendEvents validates the events, then posts them to the batch endpoint
// like [Client.SendBatch]. The first invalid event is a [*ValidationError]
// (wrapped with its index) and nothing is sent.
func (c *Client) SendEvents(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	raw := make([]json.RawMessage, len(events))
	for i, ev := range events {
		if err := ev.Validate(); err != nil {
			return fmt.Errorf("mindlytics: event %d (%s): %w", i, ev.Kind(), err)
		}
		b, err := ev.appendJSON(nil)
		if err != nil {
			return fmt.Errorf("mindlytics: event %d (%s): encoding: %w", i, ev.Kind(), err)
		}
		raw[i] = b
	}
	return c.SendBatch(ctx, raw)
}

// SendEvent validates one event and posts it to the generic event endpoint
// (POST /bc/v1/events/event), which processes it synchronously. It returns
// the events the service derived from it.
func (c *Client) SendEvent(ctx context.Context, ev Event) ([]LiveEvent, error) {
	return c.postEvent(ctx, wire.PathEvent, ev)
}

// SendEventByKind validates one event and posts it to the endpoint of its
// kind, POST /bc/v1/events/event/<kind>: "Conversation Started" goes to
// /bc/v1/events/event/start-conversation, a user-defined event to
// /bc/v1/events/event/track, and so on (an event of unknown type to the
// generic endpoint). It returns the events the service derived from it.
func (c *Client) SendEventByKind(ctx context.Context, ev Event) ([]LiveEvent, error) {
	return c.postEvent(ctx, wire.KindPath(string(ev.Type), ev.Event), ev)
}

func (c *Client) postEvent(ctx context.Context, path string, ev Event) ([]LiveEvent, error) {
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	body, err := ev.appendJSON(nil)
	if err != nil {
		return nil, fmt.Errorf("mindlytics: event (%s): encoding: %w", ev.Kind(), err)
	}
	var derived []LiveEvent
	if err := c.call(ctx, http.MethodPost, path, nil, body, &derived); err != nil {
		return nil, err
	}
	return derived, nil
}

// appendJSON appends the JSON encoding of e to dst: the bytes json.Marshal
// writes for e, a few times faster (internal/wire).
func (e *Event) appendJSON(dst []byte) ([]byte, error) {
	w := wire.Event{
		Type: string(e.Type), Name: e.Event, SessionID: e.SessionID, Timestamp: e.Timestamp,
		UserID: e.UserID, DeviceID: e.DeviceID, ConversationID: e.ConversationID, ID: e.ID,
		PreviousID: e.PreviousID, Properties: e.Properties, Attributes: e.Attributes, Traits: e.Traits,
	}
	return w.AppendJSON(dst)
}
