package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/bufpool"
)

// eventsRequest is what the sending queue holds: translated events, each
// encoded and validated once, in the order the translation made them.
// Translating before the queue (rather than in the push function) keeps the
// lifecycle events a retry must not lose in the same request as the events
// they precede, and lets a persistent queue keep Mindlytics events rather
// than spans whose translation state is gone after a restart.
type eventsRequest struct {
	events []json.RawMessage
	bytes  int // sum of the events' lengths
	// keys, when set, holds each event's session key
	// (delivery.EncodedSessionKey), computed at enqueue (encodedKey);
	// requests made otherwise find the keys in the events.
	keys []uint32

	// seq is the request's number in the order of a pipelined queue
	// (turns.go); 0 otherwise.
	seq uint64
	// spans, in a pipelined queue (seq set), is how many spans the events
	// were made from, and what ItemsCount says: exporterhelper reports a
	// traces exporter's items as otelcol_exporter_sent_spans, and the
	// pipelined queue sizes nothing by items (no batch; its sizer must be
	// requests, see pipelined).
	spans int

	// settled counts the leading events delivered or refused for good by
	// earlier attempts: a retry (OnError) resends only the rest. Attempts
	// settle events strictly in order, so what is settled is a prefix.
	settled int

	// buf, when set, is the memory enqueue encoded the events into. Only
	// the request enqueue made holds it, and it goes back to the pool when
	// that request is delivered in full. Requests made from this one
	// (OnError, MergeSplit) point into the same memory without holding it,
	// and this one is then never pushed again, so the memory goes back
	// only when nothing can read it any more; a request dropped on the way
	// leaves it to the garbage collector.
	buf *[]byte
}

// encodedBuffers keeps the memory batches are encoded into (up to 8 MiB).
var encodedBuffers = bufpool.New(8 << 20)

// delivered is called once every event of r went out; r's encoding memory
// is then reused.
func (r *eventsRequest) delivered() {
	if buf := r.buf; buf != nil {
		r.buf, r.events, r.settled = nil, nil, 0
		encodedBuffers.Put(buf)
	}
}

var (
	_ xexporterhelper.Request             = (*eventsRequest)(nil)
	_ xexporterhelper.RequestErrorHandler = (*eventsRequest)(nil)
)

func newEventsRequest(events []json.RawMessage) *eventsRequest {
	return &eventsRequest{events: events, bytes: encodedSize(events)}
}

// encodedSize is the bytes of events' JSON: the "bytes" sizer's unit.
func encodedSize(events []json.RawMessage) int {
	n := 0
	for _, ev := range events {
		n += len(ev)
	}
	return n
}

// ItemsCount is the number of events, the unit of the "items" sizer; in a
// pipelined queue, the spans the events were made from (see spans).
func (r *eventsRequest) ItemsCount() int {
	if r.seq != 0 {
		return r.spans
	}
	return len(r.events)
}

// BytesSize is the encoded size of the events, the unit of the "bytes"
// sizer.
func (r *eventsRequest) BytesSize() int { return r.bytes }

// OnError returns a request with the events earlier attempts did not settle,
// so that a retry sends nothing twice.
func (r *eventsRequest) OnError(error) xexporterhelper.Request {
	if r.settled == 0 {
		return r
	}
	o := newEventsRequest(r.events[r.settled:])
	o.keys = r.unsettledKeys()
	return o
}

// MergeSplit appends other's events after r's (keeping their order) and cuts
// the result into requests of at most maxSize items or bytes; zero means no
// limit.
func (r *eventsRequest) MergeSplit(_ context.Context, maxSize int, szt exporterhelper.RequestSizerType, other xexporterhelper.Request) ([]xexporterhelper.Request, error) {
	var sizeOf func(json.RawMessage) int
	switch szt {
	case exporterhelper.RequestSizerTypeItems:
		sizeOf = func(json.RawMessage) int { return 1 }
	case exporterhelper.RequestSizerTypeBytes:
		sizeOf = func(ev json.RawMessage) int { return len(ev) }
	default:
		return nil, fmt.Errorf("mindlytics exporter: unsupported sizer %q", szt.String())
	}
	events := r.events[r.settled:]
	if other != nil {
		o, ok := other.(*eventsRequest)
		if !ok {
			return nil, fmt.Errorf("mindlytics exporter: cannot merge a %T into an events request", other)
		}
		events = append(events[:len(events):len(events)], o.events[o.settled:]...)
	}
	if maxSize <= 0 {
		return []xexporterhelper.Request{newEventsRequest(events)}, nil
	}
	var out []xexporterhelper.Request
	var dropped int
	start, size := 0, 0
	for i, ev := range events {
		n := sizeOf(ev)
		if n > maxSize { // an event larger than a whole batch can never be sent
			if i > start {
				out = append(out, newEventsRequest(events[start:i]))
			}
			dropped++
			start, size = i+1, 0
			continue
		}
		if size+n > maxSize {
			out = append(out, newEventsRequest(events[start:i]))
			start, size = i, 0
		}
		size += n
	}
	if start < len(events) {
		out = append(out, newEventsRequest(events[start:]))
	}
	if dropped > 0 {
		return out, fmt.Errorf("mindlytics exporter: %d events are larger than the batch max_size (%d bytes) and were dropped", dropped, maxSize)
	}
	return out, nil
}

// eventsEncoding stores requests in a persistent queue: a JSON object with
// the unsettled events, readable by any later version of the exporter.
type eventsEncoding struct{}

var _ exporterhelper.QueueBatchEncoding[xexporterhelper.Request] = eventsEncoding{}

type storedRequest struct {
	Events []json.RawMessage `json:"events"`
}

func (eventsEncoding) Marshal(_ context.Context, req xexporterhelper.Request) ([]byte, error) {
	r, ok := req.(*eventsRequest)
	if !ok {
		return nil, fmt.Errorf("mindlytics exporter: cannot store a %T", req)
	}
	// The bytes json.Marshal(storedRequest{…}) makes, without its scan of
	// every event: the events are compact, HTML-safe JSON already (made by
	// Event.AppendJSON, or read back by Unmarshal from such bytes).
	events := r.events[r.settled:]
	size := len(`{"events":[]}`) + len(events)
	for _, ev := range events {
		size += len(ev)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"events":[`...)
	for i, ev := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ev...)
	}
	return append(b, "]}"...), nil
}

func (eventsEncoding) Unmarshal(b []byte) (context.Context, xexporterhelper.Request, error) {
	var s storedRequest
	if err := json.Unmarshal(b, &s); err != nil {
		return context.Background(), nil, fmt.Errorf("mindlytics exporter: reading a stored request: %w", err)
	}
	for i, ev := range s.Events {
		if len(ev) == 0 || ev[0] != '{' {
			return context.Background(), nil, fmt.Errorf("mindlytics exporter: stored request: event %d is not a JSON object", i)
		}
	}
	if len(s.Events) == 0 {
		return context.Background(), nil, errors.New("mindlytics exporter: stored request holds no events")
	}
	return context.Background(), newEventsRequest(s.Events), nil
}

// encodedSizeHint is a typical event's JSON size, to size the buffer a
// batch is encoded into.
const encodedSizeHint = 320

// eventsKey carries translated events from enqueue to requestFromContext.
// exporterhelper's request API converts pdata into a request; here the
// translation has already happened, under core.mu, and the pdata handed to
// the queue is empty.
type eventsKey struct{}

// encodedEvents are the events of one enqueue and the memory they are in.
type encodedEvents struct {
	events []json.RawMessage
	keys   []uint32 // see eventsRequest.keys
	buf    *[]byte
	seq    uint64 // see eventsRequest.seq
	spans  int    // see eventsRequest.spans
}

func withEvents(ctx context.Context, events encodedEvents) context.Context {
	return context.WithValue(ctx, eventsKey{}, events)
}

func requestFromContext(ctx context.Context, _ ptrace.Traces) (xexporterhelper.Request, error) {
	e, ok := ctx.Value(eventsKey{}).(encodedEvents)
	if !ok {
		return nil, errors.New("mindlytics exporter: no translated events in the request")
	}
	r := newEventsRequest(e.events)
	r.keys, r.buf, r.seq, r.spans = e.keys, e.buf, e.seq, e.spans
	return r, nil
}
