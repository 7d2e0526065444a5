package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func (c *core) consumeTraces(ctx context.Context, td ptrace.Traces) error {
	if c.intake != nil {
		return c.intake.put(ctx, intakeItem{td: td})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.durable.hasRoom(ctx); err != nil {
		return err // before the translation: its state stays as it was
	}
	_, err := c.translateTraces(ctx, td)
	return err
}

func (c *core) consumeLogs(ctx context.Context, ld plog.Logs) error {
	if c.intake != nil {
		return c.intake.put(ctx, intakeItem{ld: ld, logs: true})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.durable.hasRoom(ctx); err != nil {
		return err
	}
	_, err := c.translateLogs(ctx, ld)
	return err
}

// translateTraces translates td and queues the events; c.mu must be held.
// It returns the events queued, or refused with the queue's error.
func (c *core) translateTraces(ctx context.Context, td ptrace.Traces) (int, error) {
	spans := td.SpanCount()
	c.telemetry.ExporterMindlyticsSpansTranslated.Add(ctx, int64(spans))
	events, errs := c.tr.Traces(c.events[:0], td)
	defer c.reuseEvents(events)
	c.translationErrors(ctx, "span", errs)
	c.countSpansWithoutEvent(ctx)
	return c.enqueue(ctx, events, spans)
}

// translateLogs is translateTraces for log records.
func (c *core) translateLogs(ctx context.Context, ld plog.Logs) (int, error) {
	events, errs := c.tr.Logs(c.events[:0], ld)
	defer c.reuseEvents(events)
	c.translationErrors(ctx, "log record", errs)
	c.countSpansWithoutEvent(ctx) // the records read as spans, and the spans that waited for them
	return c.enqueue(ctx, events, 0)
}

// wrapAll makes the events of Expire, Release and EndAll (with their
// maps) events for enqueue.
func wrapAll(events []mindlytics.Event) []compact.Event {
	out := make([]compact.Event, len(events))
	for i, ev := range events {
		out[i] = compact.Of(ev)
	}
	return out
}

// reuseEvents keeps events' array for the next batch. c.mu must be held.
// The events are not cleared (a write barrier a pointer while the GC
// marks): the translation appends each event in full over the old. So the
// last batch's events stay until the next batch or the idle check
// (forgetEvents); what older, bigger batches left beyond them is cleared
// here.
func (c *core) reuseEvents(events []compact.Event) {
	if cap(events) > maxReusedEvents {
		c.events, c.eventsWritten = nil, 0
		return
	}
	n := len(events)
	if cap(events) == cap(c.events) { // the same array: appending reallocates only to grow
		clear(events[n:max(n, c.eventsWritten)])
	}
	c.events, c.eventsWritten = events[:0], n
}

// forgetEvents clears the last batch's events, so that an idle exporter
// holds on to none. c.mu must be held.
func (c *core) forgetEvents() {
	clear(c.events[:c.eventsWritten])
	c.eventsWritten = 0
}

func (c *core) translationErrors(ctx context.Context, what string, errs []error) {
	if len(errs) == 0 {
		return
	}
	c.telemetry.ExporterMindlyticsTranslationErrors.Add(ctx, int64(len(errs)))
	for _, err := range errs {
		var iv *translate.IgnoredValueError
		if errors.As(err, &iv) {
			c.logger.Debug("Ignored a value of a "+what+"; translated the rest", zap.Error(err))
			continue
		}
		var nf *translate.SessionFallbackNotice
		if errors.As(err, &nf) { // once per translator: what to fix
			c.logger.Warn("A "+what+" without a session id became a session of its own", zap.Error(err))
			continue
		}
		if what == "span" {
			c.telemetry.ExporterMindlyticsSpansDropped.Add(ctx, 1)
		}
		c.logger.Debug("Dropped a "+what+" the translation could not use", zap.Error(err))
	}
}

// enqueue encodes the events and hands them to the queue as one request,
// returning how many it encoded. c.mu must be held. The translation's
// constructors validated each event (once: they are not checked again
// here); one that cannot be encoded is dropped and counted, not sent. With
// the intake, no caller waits for the answer: a full queue is offered the
// events again until it has room or ctx ends (intake.untilRoom).
func (c *core) enqueue(ctx context.Context, events []compact.Event, spans int) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	encoded := make([]json.RawMessage, 0, len(events))
	var keys []uint32 // nil: the sending finds the keys in the events
	if c.keysAtEnqueue {
		keys = make([]uint32, 0, len(events))
	}
	// One buffer for the batch: each event is a capped slice of it (a later
	// append never writes into an earlier event), so the batch costs a few
	// allocations instead of one or more per event. It is reused once the
	// request is delivered (eventsRequest.buf).
	eb := encodedBuffers.Get(len(events) * encodedSizeHint)
	buf := *eb
	var bad []error
	for i := range events {
		ev := &events[i] // not a copy: an event is 400 bytes
		start := len(buf)
		var err error
		if buf, err = ev.AppendJSON(buf); err != nil {
			bad = append(bad, fmt.Errorf("event %s of session %q: encoding: %w", ev.Kind(), ev.SessionID, err))
			continue
		}
		encoded = append(encoded, json.RawMessage(buf[start:len(buf):len(buf)]))
		if keys != nil {
			keys = append(keys, encodedKey(ev, encoded[len(encoded)-1]))
		}
	}
	c.translationErrors(ctx, "event", bad)
	*eb = buf
	if len(encoded) == 0 {
		encodedBuffers.Put(eb) // nothing points into it
		return 0, nil
	}

	c.telemetry.ExporterMindlyticsEventsTranslated.Add(ctx, int64(len(encoded)))
	if c.durable != nil {
		err := c.durable.put(ctx, encoded, spans) // copies the events
		encodedBuffers.Put(eb)
		c.state.changed(ctx, events)
		return len(encoded), err
	}
	if slack := cap(buf) - len(buf); slack > maxEncodingSlack && slack > len(buf)/8 {
		// The pooled buffer is much larger than this batch (a larger one
		// grew it): the queued request gets a copy of its own size, so
		// that what the queue holds per event is its encoded size.
		encoded = exactCopy(encoded, len(buf))
		encodedBuffers.Put(eb)
		eb = nil
	}
	ee := encodedEvents{events: encoded, keys: keys, buf: eb}
	if c.turns != nil {
		ee.seq = c.turns.take() // in queue order: c.mu is held
		// exporterhelper counts a request's items as sent (or failed)
		// spans: with a pipelined queue they are the spans, not the events.
		ee.spans = spans
	}
	err := c.queue.ConsumeTraces(withEvents(ctx, ee), ptrace.NewTraces())
	if c.intake != nil && errors.Is(err, exporterhelper.ErrQueueIsFull) {
		err = c.intake.untilRoom(ctx, func() error {
			return c.queue.ConsumeTraces(withEvents(ctx, ee), ptrace.NewTraces())
		})
	}
	if err != nil && c.turns != nil {
		c.turns.skip(ee.seq) // never queued: the next requests do not wait for it
	}
	// Saved after the events are queued: a crash in between at worst sends
	// a session's start twice, never forgets to start it.
	c.state.changed(ctx, events)
	return len(encoded), err
}

// exactCopy copies events, whose lengths sum to at most size, into one
// buffer of their size, each capped so that no append reaches the next.
func exactCopy(events []json.RawMessage, size int) []json.RawMessage {
	buf := make([]byte, 0, size)
	for i, ev := range events {
		start := len(buf)
		buf = append(buf, ev...)
		events[i] = buf[start:len(buf):len(buf)]
	}
	return events
}
