package translate

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/redact"
	"github.com/mindlytics/mindlytics-otel/internal/translate/openstate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Translator turns batches of spans into Mindlytics events and keeps the
// state of open sessions and conversations between batches. It is safe for
// concurrent use; each call sees and updates the state atomically.
type Translator struct {
	settings Settings // validated, with its own key lists
	now      func() time.Time

	mu       sync.Mutex
	open     openstate.State // the open sessions and conversations
	traces   *traceCache
	turns    turnSpans
	sent     sentCalls                    // stacked.go
	runs     toolRuns                     // historytools.go
	held     map[trace.TraceID]*heldTrace // held.go
	nHeld    int
	lateErrs []error         // of spans translated by Expire, Release or EndAll, for TakeLateErrors
	noEvents NoEventCounts   // spans that made no event, for TakeNoEventCounts (origins.go)
	pending  []compact.Event // scratch space of apply
	// convScratch is the scratch space of endConversations.
	convScratch []openstate.Handle
	// The identity keys looked up, the configured ones then the built-in
	// ones: by name for resources, as view keys (where they are known) for
	// spans.
	sessionKeyNames, userKeyNames, deviceKeyNames []string
	sessionKeys, userKeys, deviceKeys             []keyRef
	order                                         []int32 // scratch space of translate: the records in event order
	// fallbackNoticed: a SessionFallbackNotice was returned; one per
	// translator is enough to say what to fix.
	fallbackNoticed bool
	redactor        *redact.Redactor // Settings.Redaction's; nil: none (redact.go)
	// redactorBeforeCut is redactor without its function, for texts cut
	// to MaxStringLength (cut).
	redactorBeforeCut *redact.Redactor
}

// New returns a Translator of the settings s, which must be valid
// ([Settings.Validate]); opts change what is not a user setting.
func New(s Settings, opts ...Option) (*Translator, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("translate: invalid settings: %w", errors.Join(errs...))
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.now == nil {
		return nil, errors.New("translate: WithClock(nil)")
	}
	t := &Translator{
		settings:        s,
		now:             o.now,
		sessionKeyNames: concat(s.Identity.SessionIDKeys, conventions.DefaultSessionKeys()),
		userKeyNames:    concat(s.Identity.UserIDKeys, conventions.DefaultUserKeys()),
		deviceKeyNames:  concat(s.Identity.DeviceIDKeys, conventions.DefaultDeviceKeys()),
		open:            openstate.New(),
		traces:          newTraceCache(s.Identity.TraceCacheSize, s.Identity.TraceCacheTTL),
	}
	// The settings' key lists are the caller's: the translator keeps the
	// concatenations above, never the slices.
	t.settings.Identity.SessionIDKeys, t.settings.Identity.UserIDKeys, t.settings.Identity.DeviceIDKeys = nil, nil, nil
	t.sessionKeys = keyRefs(t.sessionKeyNames)
	t.userKeys = keyRefs(t.userKeyNames)
	t.deviceKeys = keyRefs(t.deviceKeyNames)
	if s.Redaction != nil {
		t.redactor, _ = redact.New(*s.Redaction) // valid: Validate built it
		t.redactorBeforeCut = t.redactor.WithoutFunc()
	}
	return t, nil
}

// Translate turns one batch of spans into events, in the order they must be
// sent: the events of a session in timestamp order, each session started and
// each conversation started before its first event. Spans that make no
// event (HTTP, DB, agent wrappers, …) still lend their trace's identity to
// the others. A span that cannot be translated is left out with a
// [*SpanError] in errs; the rest of the batch is translated all the same.
// A value a rule ignored (a negative or non-finite token count, message
// JSON that does not parse, …) is an [*IgnoredValueError] in errs, and its
// span is translated without it.
func (t *Translator) Translate(spans []spanview.Span) (events []mindlytics.Event, errs []error) {
	out, _, errs := t.translate(nil, spans, nil, true, 0)
	return expanded(out), errs
}

// AppendTranslation is Translate appending the events to dst, so that a
// caller that is done with them after each batch can reuse the slice. It is
// for callers that only encode the events (the front doors): their turn,
// usage and function events are compact (compact.go), with their properties
// in no Properties map; they encode as if they had one.
func (t *Translator) AppendTranslation(dst []compact.Event, spans []spanview.Span) (events []compact.Event, errs []error) {
	events, _, errs = t.translate(dst, spans, nil, true, 0)
	return events, errs
}

// translate is AppendTranslation. When wait is set, the spans held before
// for the traces of spans (held.go) are translated with them, first, and
// spans of this batch may be held in turn; translated is what was
// translated. The extraction errors of its first reported spans were
// reported before. When tr is not nil it notes, for each event, the index
// in translated of the span whose record made it, and the spans that wait
// (origins.go).
func (t *Translator) translate(dst []compact.Event, spans []spanview.Span, tr *tracing, wait bool, reported int) (events []compact.Event, translated []spanview.Span, errs []error) {
	if len(spans) == 0 {
		return dst, spans, nil
	}
	defer func() { t.redact(events[len(dst):]) }() // after the lock is released (redact.go)
	var heldSince map[trace.TraceID]time.Time
	if wait {
		var held []spanview.Span
		if held, heldSince = t.takeHeld(spans); len(held) > 0 {
			reported = len(held)
			spans = append(held, spans...)
		}
	}
	bt := getBatch(len(spans))
	defer bt.release()
	if tr == nil {
		tr = &bt.tracing // outcomes only, to count the spans that made no event
	}
	tr.start(len(spans), len(dst))
	recs, views := bt.recs, bt.views // views: each span's attributes, read once
	for i := range spans {
		views[i].reset(spans[i].Attributes())
		r := nextRecord(&recs)
		c, ok, written, err := t.extract(&spans[i], i, &views[i], r)
		if i >= reported {
			for _, iv := range r.ignored {
				errs = append(errs, newIgnoredValue(&spans[i], iv))
			}
		}
		switch {
		case err != nil:
			*r = record{} // the slot stays free, zero for the next span
			if i >= reported {
				errs = append(errs, newSpanError(&spans[i], err))
			}
		case ok:
			recs = recs[:len(recs)+1]
			if isModelCall(r) {
				recs = t.appendHistoryRuns(&spans[i], &views[i], r, recs)
			}
		case written:
			*r = record{}
		}
		tr.noteExtracted(i, c, ok, err, &views[i])
		if t.settings.Evaluations && spans[i].Events().Len() > 0 { // evaluations are span events: most spans have none
			recs = append(recs, t.evaluations(&spans[i], i)...)
		}
	}
	bt.used = len(recs) // the most: the merges below only leave records out
	t.fillToolArgs(spans, views, recs)
	ids := &bt.ids
	t.collectIdentities(spans, views, ids)
	t.borrowUserTexts(spans, views, ids, recs)
	recs = mergeCalls(spans, ids, recs, &bt.merge)
	recs = mergeTwins(spans, recs, ids, &bt.merge)
	recs = dropTracedRuns(spans, ids, recs)
	recs = dropSourcesOfHelperTools(spans, ids, recs)
	tr.noteMerged(recs)
	bt.recs = recs // if it grew, release clears the new array

	t.mu.Lock()
	defer t.mu.Unlock()
	defer tr.count(&t.noEvents) // before the unlock
	now := t.now()
	if wait {
		t.hold(spans, recs, ids, now, heldSince)
		tr.noteWaiting(spans, ids)
	}
	t.sent.climb(spans, ids) // what earlier batches sent below these spans, up to their ancestors
	kept := recs[:0]
	for i := range recs {
		r := &recs[i]
		if ids.group(r.span).held {
			continue // waits for an ancestor (held.go)
		}
		if !t.sent.keep(spans, ids, r) {
			tr.noteWhy(r.span, NoEventSentEarlier)
			continue // the other span of its call was sent in an earlier batch
		}
		if !t.runs.fresh(spans, ids, r) {
			continue // a tool span or an earlier call's input sent the run
		}
		fellBack, err := t.resolve(spans, ids, r.span, now, &r.id)
		if err != nil {
			errs = append(errs, newSpanError(&spans[r.span], err))
			tr.noteError(r.span)
			continue
		}
		if fellBack && !t.fallbackNoticed {
			t.fallbackNoticed = true
			errs = append(errs, newSessionFallbackNotice(&spans[r.span]))
		}
		if len(kept) < i {
			kept = append(kept, *r) // a record was left out before: move this one down
		} else {
			kept = kept[:i+1] // in place: records are large
		}
	}
	t.remember(ids, now)
	if len(kept) == 0 {
		return dst, spans, errs
	}
	t.order = sortRecords(kept, t.order[:0])
	events = slices.Grow(dst, len(kept)+2)
	seen := t.open.Seen(now)
	for _, k := range t.order {
		r := &kept[k]
		var err error
		if events, err = t.apply(r, seen, events); err != nil {
			errs = append(errs, newSpanError(&spans[r.span], err))
			tr.noteError(r.span)
		} else {
			if r.kind == sc.EventTurn {
				s := &spans[r.span]
				t.turns.add(spanKey{s.TraceID(), s.SpanID()})
			}
			t.sent.note(spans, ids, r)
			t.runs.note(spans, ids, r)
		}
		tr.noteOrigins(len(events), r.span)
	}
	return events, spans, errs
}

// rank orders events of the same time: starts before the rest, ends after.
func rank(k sc.EventKind) int {
	switch k {
	case sc.EventSessionStart:
		return 0
	case sc.EventConversationStart:
		return 1
	case sc.EventConversationEnd:
		return 3
	case sc.EventSessionEnd:
		return 4
	}
	return 2
}

// sortRecords appends to order the indexes of recs in the order of their
// events: by event time, then rank, then span start; the sort is stable, so
// ties keep the batch's order. The records stay where they are: they are
// large, and moving them cost more than the rest of the sort. A batch's
// records mostly come in that order already (each run's spans in turn):
// one pass tells, and the sort is left out.
func sortRecords(recs []record, order []int32) []int32 {
	sorted := true
	for i := range recs {
		order = append(order, int32(i))
		// Before first: events mostly come at later times, told without a
		// call of Compare.
		if i > 0 && sorted && !recs[i-1].at.Before(recs[i].at) && eventOrder(&recs[i-1], &recs[i]) > 0 {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(order, func(i, j int32) int { return eventOrder(&recs[i], &recs[j]) })
	}
	return order
}

// eventOrder compares the records' events as sortRecords orders them.
func eventOrder(a, b *record) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	if c := rank(a.kind) - rank(b.kind); c != 0 {
		return c
	}
	return a.begin.Compare(b.begin)
}

// Expire ends the conversations and sessions that have seen no span for
// their idle timeout as of now on the translator's clock, and forgets expired
// traces. A session ends with its conversations ("Conversation Ended" before
// end_session); each ending event is timestamped with the last activity of
// what it ends, not with now, so durations in Mindlytics stay true (but
// never later than now, whatever the clocks of the spans' hosts said). Call
// it periodically.
func (t *Translator) Expire() []mindlytics.Event {
	now := t.now()
	out := t.releaseHeld(now, false)
	t.mu.Lock()
	defer t.mu.Unlock()
	o := &t.open
	// Idle: last seen no later than these.
	sessCutoff, convCutoff := o.Seen(now.Add(-t.settings.Lifecycle.SessionIdleTimeout)), o.Seen(now.Add(-t.settings.Lifecycle.ConversationIdleTimeout))
	for sh := o.SessionOrder.Head; sh != 0; {
		next := o.Sessions.Next(sh)
		if o.Session(sh).LastSeen <= sessCutoff {
			out = t.endSession(sh, now, out)
		}
		sh = next
	}
	for ch := o.ConvOrder.Head; ch != 0; {
		next := o.Convs.Next(ch)
		if o.Conv(ch).LastSeen <= convCutoff {
			out = t.endConversation(ch, earlier(o.Conv(ch).LastAt.Time(), now), out)
		}
		ch = next
	}
	o.Tidy()
	t.traces.purge(now)
	return expanded(out)
}

// EndAll ends every open conversation and session, as at shutdown. It
// stamps end events by the same rule as [Translator.Expire]: each with the
// last activity of what it ends, never later than now on the translator's
// clock. Both front doors call it at shutdown.
func (t *Translator) EndAll() []mindlytics.Event {
	limit := t.now()
	out := t.releaseHeld(limit, true)
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.open.SessionOrder.Head != 0 {
		out = t.endSession(t.open.SessionOrder.Head, limit, out)
	}
	t.open.Tidy()
	return expanded(out)
}

// releaseHeld translates the held spans that waited long enough, or all,
// without waiting again; their errors go to TakeLateErrors.
func (t *Translator) releaseHeld(now time.Time, all bool) []compact.Event {
	due := t.dueHeld(now, all)
	if len(due) == 0 {
		return nil
	}
	events, _, errs := t.translate(nil, due, nil, false, len(due))
	if len(errs) > 0 {
		t.mu.Lock()
		t.lateErrs = append(t.lateErrs, errs...)
		t.mu.Unlock()
	}
	return events
}

// Release translates every span still waiting for an ancestor, with the
// session fallback where none came, as at shutdown when the sessions stay
// open ([Translator.EndAll] does it too).
func (t *Translator) Release() []mindlytics.Event { return expanded(t.releaseHeld(t.now(), true)) }

// TakeLateErrors returns, and forgets, the errors of spans that Expire,
// Release or EndAll translated (spans that waited for an ancestor): the
// callers of those report them as they report Translate's.
func (t *Translator) TakeLateErrors() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	errs := t.lateErrs
	t.lateErrs = nil
	return errs
}

// Stats is the size of a Translator's state.
type Stats struct {
	OpenSessions      int
	OpenConversations int
	CachedTraces      int
	WaitingSpans      int // waiting for an ancestor (held.go)
}

// Stats returns the size of the state, e.g. for metrics.
func (t *Translator) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Stats{OpenSessions: t.open.Sessions.Len, OpenConversations: t.open.Convs.Len, CachedTraces: t.traces.len(), WaitingSpans: t.nHeld}
}
