package devserver

import (
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// What became of a span ([SpanNote].Outcome).
const (
	OutcomeEvent   = "event"   // it made one or more events
	OutcomeWaiting = "waiting" // it waits for an ancestor with the session id
	OutcomeDropped = "dropped" // the translation refused it (Why says why)
	OutcomeNone    = "none"    // it makes no event by the rules (Why says why)
)

// SpanNote is one span an OTLP request carried and what the translation
// made of it: the events it became (Made, indexes in its entry's Events) or
// why it made none. The page draws each turn's trace from them.
type SpanNote struct {
	Origin
	ParentID string    `json:"parent_id,omitempty"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Outcome  string    `json:"outcome"`
	Why      string    `json:"why,omitempty"`
	Made     []int     `json:"made,omitempty"`
	// Notes are the translation's warnings of this span (a value ignored,
	// usage not counted).
	Notes []string `json:"notes,omitempty"`
}

// spanNotes says what became of every span of a translation. ws are its
// warnings, dropped its SpanErrors' messages by span.
func spanNotes(o pdataview.Origins, ws []Warning, dropped map[spanKey]string) []SpanNote {
	if len(o.Spans) == 0 {
		return nil
	}
	notes := make([]SpanNote, len(o.Spans))
	for i := range o.Spans {
		s := &o.Spans[i]
		n := &notes[i]
		n.Origin = *originOf(s)
		n.Start, n.End = s.StartTime(), s.EndTime()
		if p := s.ParentSpanID(); p.IsValid() {
			n.ParentID = p.String()
		}
		n.Outcome, n.Why = OutcomeNone, o.NoEvent[i]
		if why, ok := dropped[keyOf(s)]; ok {
			n.Outcome, n.Why = OutcomeDropped, why
		}
	}
	for _, i := range o.Waiting {
		notes[i].Outcome, notes[i].Why = OutcomeWaiting, "waits for an ancestor span with the session id (up to the ancestor wait), then is translated with it"
	}
	for ev, i := range o.Indexes {
		notes[i].Outcome, notes[i].Why = OutcomeEvent, ""
		notes[i].Made = append(notes[i].Made, ev)
	}
	at := make(map[spanKey]int, len(notes))
	for i := range notes {
		at[spanKey{notes[i].TraceID, notes[i].SpanID}] = i
	}
	for _, w := range ws {
		if i, ok := at[spanKey{w.Span.TraceID, w.Span.SpanID}]; ok && notes[i].Outcome != OutcomeDropped {
			notes[i].Notes = append(notes[i].Notes, w.Message)
		}
	}
	return notes
}

// spanKey names a span across requests.
type spanKey struct{ trace, span string }

func keyOf(s *spanview.Span) spanKey { return spanKey{s.TraceID().String(), s.SpanID().String()} }
