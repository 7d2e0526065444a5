package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

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

// ServerErrorAttempts is how many times one request answered 500 is sent
// before it is split like a 400: a 500 may be the answer to one event the
// request holds (a "poison" event), and retrying it for minutes would stall
// its lane and then lose its neighbours with it. The waits between the
// attempts are short (ServerErrorWait, doubling): a lane with a poison
// event among 500 moves on within a few seconds (about 0.35 s per halving).
const ServerErrorAttempts = 4

// ServerErrorWait is the first wait before a request answered 500 is sent
// again; each further wait doubles it.
const ServerErrorWait = 50 * time.Millisecond

// ObjectSender is a [Sender] that may have learned that the service takes
// one event per request (*mindlytics.Client: see its SendBatch). Deliver
// then sends each event alone, so that a refused one is never sent twice.
type ObjectSender interface {
	SendsObjects() bool
}

var _ ObjectSender = (*mindlytics.Client)(nil)

// Deliver sends events in order through s, in requests within lim, one at
// a time. A request refused with a splittable error ([IsSplittable]), or
// answered 500 [ServerErrorAttempts] times, is halved, left half first so
// order holds, until each refused event stands alone; refused is called
// with its index and the service's error, and it counts as settled. Any
// other error stops Deliver: it returns how many leading events are
// settled (delivered, or refused for good) and that error, and the caller
// decides whether to retry the rest. When s is an [ObjectSender] sending
// objects, each event goes in a request of its own.
func Deliver(ctx context.Context, s Sender, events []json.RawMessage, lim Limits, refused func(i int, err error)) (settled int, err error) {
	d := deliverer{ctx: ctx, s: s, events: events, refused: refused}
	d.objects, _ = s.(ObjectSender)
	for settled < len(events) {
		l := lim
		if d.oneByOne() {
			l.MaxEvents = 1
		}
		end := chunkEnd(events, settled, l)
		if settled, err = d.deliverRange(settled, end); err != nil {
			return settled, err
		}
	}
	return settled, nil
}

// deliverer is one call of Deliver.
type deliverer struct {
	ctx     context.Context
	s       Sender
	objects ObjectSender // nil when s is not one
	events  []json.RawMessage
	refused func(int, error)
}

func (d *deliverer) oneByOne() bool { return d.objects != nil && d.objects.SendsObjects() }

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
// a whole, each half in turn (each event in turn once the sender sends
// objects). It returns the end of what it settled.
func (d *deliverer) deliverRange(start, end int) (int, error) {
	if end-start > 1 && d.oneByOne() {
		return d.eachAlone(start, end)
	}
	err := d.send(start, end)
	var partial *mindlytics.PartialSendError
	if errors.As(err, &partial) && partial.Sent > 0 && partial.Sent < end-start {
		// The sender switched to objects meanwhile: what it sent landed.
		return d.deliverRange(start+partial.Sent, end)
	}
	switch {
	case err == nil:
		return end, nil
	case !IsSplittable(err) && StatusCode(err) != http.StatusInternalServerError:
		return start, err
	case end-start == 1:
		if d.refused != nil {
			d.refused(start, err)
		}
		return end, nil
	}
	if d.oneByOne() {
		return d.eachAlone(start, end)
	}
	mid := start + (end-start)/2
	if settled, err := d.deliverRange(start, mid); err != nil {
		return settled, err
	}
	return d.deliverRange(mid, end)
}

// eachAlone delivers events[start:end] one request per event.
func (d *deliverer) eachAlone(start, end int) (int, error) {
	for i := start; i < end; i++ {
		if settled, err := d.deliverRange(i, i+1); err != nil {
			return settled, err
		}
	}
	return end, nil
}

// send makes the request of events[start:end], again while it is answered
// 500, at most ServerErrorAttempts times in all. Once the context is done
// it stops waiting and sends at once: the sender answers with its own
// error, which the caller knows how to read.
func (d *deliverer) send(start, end int) error {
	wait := ServerErrorWait
	for attempt := 1; ; attempt++ {
		err := d.s.SendBatch(d.ctx, d.events[start:end])
		var partial *mindlytics.PartialSendError
		if errors.As(err, &partial) || attempt >= ServerErrorAttempts || StatusCode(err) != http.StatusInternalServerError || d.ctx.Err() != nil {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.ctx.Done():
			t.Stop()
		}
		wait *= 2
	}
}
