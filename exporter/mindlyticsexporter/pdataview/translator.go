package pdataview

import (
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Translator is the shared translation fed with pdata, as the collector
// exporter runs it: spans through the view ([Traces]), GenAI event log
// records through [LogsToTraces], joined to their spans (logjoin.go), a
// model call waiting a little for content still to come (hold.go). Its
// caller serializes the calls (the exporter calls it under its lock), and
// calls Expire now and then: held spans and content go on from there too.
type Translator struct {
	t    *translate.Translator
	join *logJoin
	hold *spanHold
	view viewer
	late []error // of Expire and Release, for LateErrors
}

// NewTranslator feeds t with pdata. t remembers which spans made turns, so
// that log records arriving after their span add no second turn.
func NewTranslator(t *translate.Translator) *Translator {
	t.RememberTurns(true)
	return &Translator{t: t, join: newLogJoin(time.Now), hold: newSpanHold(time.Now)}
}

// SpansOnly says whether only spans come (true) or GenAI log records may
// come too (false, the default). With only spans, the join to log records
// (logjoin.go) neither remembers nor looks up spans, which costs a map
// entry per span, no span waits for its content (hold.go), and the
// translator does not remember which spans made turns; the translation is
// the same, as nothing would read them.
// Log records that come after SpansOnly(true) still translate, but do not
// find the spans that came before.
func (tr *Translator) SpansOnly(only bool) {
	tr.join.spansOnly = only
	tr.t.RememberTurns(!only) // no log record will ask which spans made turns
}

// Traces translates td, appending the events to dst. Like
// translate.Translator.AppendTranslation, it is for callers that encode the
// events at once: turn, usage and function events have their properties in
// a compact form (internal/compact), not in Properties (they encode as if
// they had the map).
func (tr *Translator) Traces(dst []compact.Event, td ptrace.Traces) ([]compact.Event, []error) {
	return tr.translate(dst, tr.spans(td))
}

// spans joins td to the content that came first and holds the calls whose
// content is still to come: it returns what goes on now.
func (tr *Translator) spans(td ptrace.Traces) ptrace.Traces {
	joined, copied := tr.join.joinSpans(td)
	if tr.join.spansOnly {
		return joined
	}
	return tr.hold.admit(joined, true, copied)
}

// Logs translates the GenAI event records of ld, appending the events to
// dst; its events are compact as those of Traces.
func (tr *Translator) Logs(dst []compact.Event, ld plog.Logs) ([]compact.Event, []error) {
	td := tr.logSpans(ld)
	if td.SpanCount() == 0 {
		return dst, nil
	}
	return tr.translate(dst, td)
}

func (tr *Translator) translate(dst []compact.Event, td ptrace.Traces) ([]compact.Event, []error) {
	defer tr.view.release()
	return tr.t.AppendTranslation(dst, tr.view.traces(td))
}

// logSpans makes spans of ld's GenAI records: content joins the held span
// it belongs to, or goes on (after the held spans of its service) or waits
// for its span (logjoin.go).
func (tr *Translator) logSpans(ld plog.Logs) ptrace.Traces {
	madeTurn := func(k chatKey) bool { return tr.t.MadeTurn(trace.TraceID(k.trace), trace.SpanID(k.span)) }
	derived := LogsToTraces(ld)
	tr.hold.takeContent(derived)
	return tr.hold.admit(tr.join.joinContent(derived, madeTurn), false, true)
}

// Expire translates the held spans whose content did not come in time,
// the log content whose span did not, and the spans that waited long
// enough for an ancestor, then ends what is idle. Errors go to LateErrors.
func (tr *Translator) Expire() []mindlytics.Event {
	tr.view.forget() // the views of the last batch: it is over
	events, errs := tr.t.Translate(Traces(tr.hold.admit(tr.join.due(false), false, true)))
	tr.late = append(tr.late, errs...)
	return append(events, tr.t.Expire()...)
}

// Release translates every held span, all log content and every span still
// waiting, as at a shutdown that leaves the sessions open. Errors go to
// LateErrors.
func (tr *Translator) Release() []mindlytics.Event {
	td := tr.hold.release(tr.hold.now(), true)
	tr.join.due(true).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	events, errs := tr.t.Translate(Traces(td))
	tr.late = append(tr.late, errs...)
	return append(events, tr.t.Release()...)
}

// EndAll releases everything waiting, then ends everything.
func (tr *Translator) EndAll() []mindlytics.Event {
	events := tr.Release()
	return append(events, tr.t.EndAll()...)
}

// LateErrors returns, and forgets, the errors of what Expire, Release and
// EndAll translated.
func (tr *Translator) LateErrors() []error {
	errs := append(tr.late, tr.t.TakeLateErrors()...)
	tr.late = nil
	return errs
}

// NoEventCounts returns, and forgets, the spans that made no event, by
// reason (each counted once, when its translation is final).
func (tr *Translator) NoEventCounts() translate.NoEventCounts {
	return tr.t.TakeNoEventCounts()
}

// Origins is what [Translator.TracesWithOrigins] and
// [Translator.LogsWithOrigins] say of where each event came from: the
// spans translated and, for each event, the index of its span in Spans
// ([translate.Translator.TranslateWithOrigins]).
type Origins struct {
	Spans   []spanview.Span
	Indexes []int
	// Waiting are the indexes in Spans of the spans that wait for an
	// ancestor: no event of theirs yet.
	Waiting []int
	// NoEvent says, by index in Spans, why a span made no event
	// ([translate.Traced].NoEvent).
	NoEvent map[int]string
}

// TracesWithOrigins is [Translator.Traces] that also gives each event's
// span, for tools that show events beside their spans.
func (tr *Translator) TracesWithOrigins(td ptrace.Traces) ([]mindlytics.Event, Origins, []error) {
	return tr.withOrigins(tr.spans(td))
}

// LogsWithOrigins is [Translator.Logs] that also gives each event's span
// (made of the log records).
func (tr *Translator) LogsWithOrigins(ld plog.Logs) ([]mindlytics.Event, Origins, []error) {
	return tr.withOrigins(tr.logSpans(ld))
}

func (tr *Translator) withOrigins(td ptrace.Traces) ([]mindlytics.Event, Origins, []error) {
	got := tr.t.TranslateWithOrigins(Traces(td))
	return got.Events, Origins{Spans: got.Spans, Indexes: got.Origins, Waiting: got.Waiting, NoEvent: got.NoEvent}, got.Errs
}
