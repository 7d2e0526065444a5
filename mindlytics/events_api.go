package mindlytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// SendBatch posts already-encoded events to the batch endpoint
// (POST /bc/v1/events/queue), written as given, without decoding or
// encoding them again. Each element must be one JSON-encoded, valid
// [Event]; the caller (the batching queue) encodes and validates them once.
// An empty element is a [*ValidationError] and nothing is sent; an empty
// batch sends nothing.
//
// The body is a JSON array, as the service's published spec says. Its only
// other client, the Python SDK, posts one bare object per request
// (docs/CONTRACT.md), so the client also survives a service that takes
// only objects: when a one-event array is refused with 400 before any
// array was ever accepted, the same event is sent as a bare object; if
// that is accepted, the client sends one object per request from then on
// ([Client.SendsObjects]) and logs it once at warning level. In that mode a
// batch of several events is sent one request per event, in order, and the
// first failure stops it: when events before it were delivered, the error
// is a [*PartialSendError] saying how many, so that nothing is sent twice.
func (c *Client) SendBatch(ctx context.Context, events []json.RawMessage) error {
	if len(events) == 0 {
		return nil
	}
	for i, ev := range events {
		if len(ev) == 0 {
			return fieldError(fmt.Sprintf("events[%d]", i), "empty; each element must be one encoded event")
		}
	}
	if c.SendsObjects() {
		for i, ev := range events {
			if err := c.sendBody(ctx, ev, false); err != nil {
				if i > 0 {
					return &PartialSendError{Sent: i, Err: err}
				}
				return err
			}
		}
		return nil
	}
	err := c.sendBody(ctx, nil, true, events...)
	switch {
	case err == nil:
		c.shape.CompareAndSwap(shapeUnknown, shapeArrays)
		return nil
	case len(events) != 1 || c.shape.Load() == shapeArrays || statusOf(err) != http.StatusBadRequest:
		return err
	}
	// A one-event array refused while no array was ever accepted: is it the
	// event, or the array? (Once another request learned it is the array,
	// this sends the event as it should have gone.)
	if c.sendBody(ctx, events[0], false) != nil {
		return err // the event: the array's answer says why
	}
	if c.shape.CompareAndSwap(shapeUnknown, shapeObjects) {
		c.log.WarnContext(ctx, "mindlytics: the service refused a one-event array and accepted the same event as a bare object; sending one object per request from now on",
			"path", wire.PathEventsQueue, "status", statusOf(err))
	}
	return nil
}

// PartialSendError is [Client.SendBatch]'s error when it sent one object
// per request and the leading Sent events were delivered before Err.
type PartialSendError struct {
	Sent int
	Err  error
}

func (e *PartialSendError) Error() string {
	return fmt.Sprintf("%v (the %d events before it were delivered)", e.Err, e.Sent)
}

func (e *PartialSendError) Unwrap() error { return e.Err }

// SendsObjects reports whether the client learned that the batch endpoint
// takes one bare object per request rather than an array (see
// [Client.SendBatch]); it stays so for the client's life.
func (c *Client) SendsObjects() bool { return c.shape.Load() == shapeObjects }

// What the client learned of the batch endpoint's body.
const (
	shapeUnknown int32 = iota // no array accepted yet
	shapeArrays               // an array was accepted: arrays it is
	shapeObjects              // arrays refused, a bare object accepted
)

// sendBody posts one body to the batch endpoint: the JSON array of events
// when array is true, else the bare object one.
func (c *Client) sendBody(ctx context.Context, one json.RawMessage, array bool, events ...json.RawMessage) error {
	if array && !c.cfg.gzip {
		// The transport reads the array straight from the events
		// (arraybody.go).
		ab := newArrayBody(events)
		defer ab.release()
		return c.send(ctx, http.MethodPost, wire.PathEventsQueue, nil, nil, ab, nil)
	}
	size := len(one)
	if array {
		size = len(events) + 1 // brackets and commas
		for _, ev := range events {
			size += len(ev)
		}
	}
	// The body is built in a pooled buffer, kept until the transport is
	// done with it (body.go).
	sb := newSharedBody(size)
	defer sb.release()
	body := (*sb.buf)[:0]
	if array {
		body = appendArray(body, events)
	} else {
		body = append(body, one...)
	}
	*sb.buf = body
	return c.send(ctx, http.MethodPost, wire.PathEventsQueue, nil, body, sb, nil)
}

// statusOf is the status of the *APIError in err's chain, or 0.
func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
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
	w.ConversationAnalysis, w.IntentAnalysis = e.wireAnalyses()
	return w.AppendJSON(dst)
}
