package delivery

import (
	"context"
	"encoding/json"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Defaults of the request bounds, shared by both front doors.
const (
	// DefaultMaxRequestEvents is the most events one request carries.
	DefaultMaxRequestEvents = 500
	// DefaultMaxRequestBytes keeps a request body well under the 1 MiB the
	// service is known to accept.
	DefaultMaxRequestBytes = 512 << 10
	// MinRequestBytes is the smallest byte bound accepted: below it no
	// real event fits.
	MinRequestBytes = 1 << 10
	// MaxRequestBytes is the largest byte bound accepted: the contract asks
	// for batches well under 1 MiB.
	MaxRequestBytes = 1 << 20
)

// Sender makes one request whose body is the JSON array of events.
// *mindlytics.Client is a Sender.
type Sender interface {
	SendBatch(ctx context.Context, events []json.RawMessage) error
}

var _ Sender = (*mindlytics.Client)(nil)

// SendFunc adapts a function to [Sender].
type SendFunc func(ctx context.Context, events []json.RawMessage) error

// SendBatch calls f.
func (f SendFunc) SendBatch(ctx context.Context, events []json.RawMessage) error {
	return f(ctx, events)
}

// Limits bound one request.
type Limits struct {
	MaxEvents int // at least 1
	MaxBytes  int // of the body, brackets and commas included
}

// RequestSize is the size of the body that carries events.
func RequestSize(events []json.RawMessage) int {
	size := 2 // the brackets
	for i, ev := range events {
		if i > 0 {
			size++ // a comma
		}
		size += len(ev)
	}
	return size
}

// Deliver sends events in order through s, in requests within lim, one at
// a time. A request refused with a splittable error ([IsSplittable])
// is halved, left half first so order holds, until each refused event stands
// alone; refused is called with its index and the service's error, and it
// counts as settled. Any other error stops Deliver: it returns how many
// leading events are settled (delivered, or refused for good) and that
// error, and the caller decides whether to retry the rest.
func Deliver(ctx context.Context, s Sender, events []json.RawMessage, lim Limits, refused func(i int, err error)) (settled int, err error) {
	for settled < len(events) {
		end := chunkEnd(events, settled, lim)
		if settled, err = deliverRange(ctx, s, events, settled, end, refused); err != nil {
			return settled, err
		}
	}
	return settled, nil
}

// chunkEnd returns the end of the request starting at start: as many events
// as lim allows, and at least one.
func chunkEnd(events []json.RawMessage, start int, lim Limits) int {
	end, size := start, 1 // the brackets, less the comma the first event does not need
	for end < len(events) && end-start < lim.MaxEvents {
		n := len(events[end]) + 1
		if end > start && size+n > lim.MaxBytes {
			break
		}
		size += n
		end++
	}
	return end
}

// deliverRange sends events[start:end] and, when the service refuses it as
// a whole, each half in turn. It returns the end of what it settled.
func deliverRange(ctx context.Context, s Sender, events []json.RawMessage, start, end int, refused func(int, error)) (int, error) {
	err := s.SendBatch(ctx, events[start:end])
	switch {
	case err == nil:
		return end, nil
	case !IsSplittable(err):
		return start, err
	case end-start == 1:
		if refused != nil {
			refused(start, err)
		}
		return end, nil
	}
	mid := start + (end-start)/2
	if settled, err := deliverRange(ctx, s, events, start, mid, refused); err != nil {
		return settled, err
	}
	return deliverRange(ctx, s, events, mid, end, refused)
}
