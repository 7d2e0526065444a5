package devserver

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Bounds of what the page is answered.
const (
	defaultPage   = 50
	maxPage       = 500
	maxSearchText = 16 << 10 // bytes of a session's text kept for search
	maxLoose      = 50       // warnings of no session the page is given
)

// index is what the store keeps in memory for the page, updated as
// entries are added: each session's summary and the events it holds, and
// each trace's spans, so that the page is answered a page of sessions or
// one session without folding every entry again.
type index struct {
	entries  []Entry
	sessions map[string]*sessionIndex
	seen     []*sessionIndex // in the order first seen
	byFirst  []*sessionIndex // newest first; sorted lazily
	sorted   bool
	traces   map[string]*traceIndex
	warnings []Warning
}

type sessionIndex struct {
	Summary
	refs   []eventRef
	traces map[string]bool
	text   []byte // lower-case ids and texts, for search
}

// eventRef is Events[event] of entries[entry].
type eventRef struct{ entry, event int }

type traceIndex struct {
	session string
	spans   map[string]*spanInfo
	// warnings counts the warnings of the trace's spans, for its session.
	warnings int
}

func newIndex() *index {
	return &index{sessions: map[string]*sessionIndex{}, traces: map[string]*traceIndex{}}
}

func (ix *index) trace(id string) *traceIndex {
	tr := ix.traces[id]
	if tr == nil {
		tr = &traceIndex{spans: map[string]*spanInfo{}}
		ix.traces[id] = tr
	}
	return tr
}

// add indexes the next entry.
func (ix *index) add(e Entry) {
	n := len(ix.entries)
	ix.entries = append(ix.entries, e)
	ent := &ix.entries[n]
	for i := range ent.Spans {
		sn := &ent.Spans[i]
		si := &spanInfo{note: sn}
		for _, m := range sn.Made {
			if m < len(ent.Events) {
				si.made = append(si.made, label(ent.Events[m]))
			}
		}
		ix.trace(sn.TraceID).spans[sn.SpanID] = si // a span that waited is told again
	}
	for i, ev := range ent.Events {
		s := ix.sessions[ev.SessionID]
		if s == nil {
			s = &sessionIndex{Summary: Summary{ID: ev.SessionID}, traces: map[string]bool{}}
			s.search(ev.SessionID)
			ix.sessions[ev.SessionID] = s
			ix.seen = append(ix.seen, s)
			ix.byFirst = append(ix.byFirst, s)
		}
		var origin *Origin
		if i < len(ent.Origins) {
			origin = ent.Origins[i]
		}
		it := newItem(ev, eventTime(ev, ent.Accepted), origin)
		s.note(ev, &it)
		s.Version = e.Seq
		s.refs = append(s.refs, eventRef{n, i})
		s.search(ev.UserID, ev.DeviceID, ev.ID, ev.Event)
		if it.Kind == "turn" {
			s.search(str(ev.Properties["user"]), str(ev.Properties["assistant"]))
		}
		if origin != nil && !s.traces[origin.TraceID] {
			s.traces[origin.TraceID] = true
			tr := ix.trace(origin.TraceID)
			if tr.session == "" {
				tr.session = s.ID
				s.Warnings += tr.warnings
			}
		}
	}
	for _, w := range ent.Warnings {
		ix.warnings = append(ix.warnings, w)
		tr := ix.trace(w.Span.TraceID)
		tr.warnings++
		if s := ix.sessions[tr.session]; s != nil {
			s.Warnings++
			s.Version = e.Seq
		}
	}
	ix.sorted = false
}

func eventTime(ev mindlytics.Event, accepted time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, ev.Timestamp); err == nil {
		return t
	}
	return accepted
}

// label names an event in a trace row.
func label(ev mindlytics.Event) string {
	if ev.Event != "" {
		return ev.Event
	}
	return string(ev.Type)
}

func str(v any) string { s, _ := v.(string); return s }

// search keeps texts the session can be found by.
func (s *sessionIndex) search(texts ...string) {
	for _, t := range texts {
		if t == "" || len(s.text) >= maxSearchText {
			continue
		}
		t = strings.ToLower(t[:min(len(t), maxSearchText-len(s.text))])
		s.text = append(append(s.text, t...), '\n')
	}
}

// Query asks for a page of sessions.
type Query struct {
	// Text, when set, keeps the sessions whose id, user, device or
	// texts contain it (case-insensitive).
	Text string
	// Filter is "", "open", "ended" or "warnings".
	Filter string
	// Cursor is a page's Next: the page after it.
	Cursor string
	// Limit is the page's size: default 50, at most 500.
	Limit int
}

// Page is a page of sessions, newest first.
type Page struct {
	Version  uint64    `json:"version"`
	Total    int       `json:"total"`   // sessions in all
	Matched  int       `json:"matched"` // sessions the query keeps
	Sessions []Summary `json:"sessions"`
	// Next is the cursor of the next page; "" on the last.
	Next string `json:"next"`
	// Loose are the last warnings of spans of no session (a span with no
	// session id that made no event); LooseCount how many there are.
	Loose      []Warning `json:"loose"`
	LooseCount int       `json:"loose_count"`
}

// cursorOf is the position after s in the list.
func cursorOf(s *sessionIndex) string {
	return strconv.FormatInt(s.first.UnixNano(), 10) + ":" + s.ID
}

// newestFirst orders the list: by earliest event, newest first, then id.
func newestFirst(a, b *sessionIndex) int {
	return cmp.Or(b.first.Compare(a.first), cmp.Compare(a.ID, b.ID))
}

func (ix *index) page(q Query, version uint64) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPage
	}
	limit = min(limit, maxPage)
	if !ix.sorted {
		slices.SortFunc(ix.byFirst, newestFirst)
		ix.sorted = true
	}
	from := 0
	if q.Cursor != "" {
		ns, id, ok := strings.Cut(q.Cursor, ":")
		n, err := strconv.ParseInt(ns, 10, 64)
		if !ok || err != nil {
			return Page{}, fmt.Errorf("bad cursor %q: want one a page gave as next", q.Cursor)
		}
		after := &sessionIndex{Summary: Summary{ID: id, first: time.Unix(0, n)}}
		from, _ = slices.BinarySearchFunc(ix.byFirst, after, newestFirst)
		if from < len(ix.byFirst) && ix.byFirst[from].ID == id {
			from++
		}
	}
	switch q.Filter {
	case "", "open", "ended", "warnings":
	default:
		return Page{}, fmt.Errorf("bad filter %q: want open, ended or warnings", q.Filter)
	}
	text := []byte(strings.ToLower(strings.TrimSpace(q.Text)))
	p := Page{Version: version, Total: len(ix.byFirst), Sessions: []Summary{}, Loose: []Warning{}}
	var last *sessionIndex
	for i, s := range ix.byFirst {
		if !s.keeps(q.Filter, text) {
			continue
		}
		p.Matched++
		if i < from {
			continue
		}
		if len(p.Sessions) < limit {
			p.Sessions = append(p.Sessions, s.Summary)
			last = s
		} else if p.Next == "" {
			p.Next = cursorOf(last)
		}
	}
	for i := len(ix.warnings) - 1; i >= 0; i-- {
		w := ix.warnings[i]
		if tr := ix.traces[w.Span.TraceID]; tr != nil && tr.session != "" {
			continue
		}
		if p.LooseCount++; len(p.Loose) < maxLoose {
			p.Loose = append(p.Loose, w)
		}
	}
	return p, nil
}

func (s *sessionIndex) keeps(filter string, text []byte) bool {
	switch {
	case filter == "open" && !s.Open, filter == "ended" && s.Open, filter == "warnings" && s.Warnings == 0:
		return false
	}
	return len(text) == 0 || bytes.Contains(s.text, text)
}

// session builds one session's view, or nil.
func (ix *index) session(id string) *SessionView {
	s := ix.sessions[id]
	if s == nil {
		return nil
	}
	v := &SessionView{Summary: s.Summary, Conversations: []*ConversationView{}, Items: []Item{},
		SpanWarnings: []Warning{}, convs: map[string]*ConversationView{}}
	for _, r := range s.refs {
		ent := &ix.entries[r.entry]
		ev := ent.Events[r.event]
		var origin *Origin
		if r.event < len(ent.Origins) {
			origin = ent.Origins[r.event]
		}
		v.add(ev, newItem(ev, eventTime(ev, ent.Accepted), origin))
	}
	v.arrange(func(trace string) map[string]*spanInfo {
		if tr := ix.traces[trace]; tr != nil {
			return tr.spans
		}
		return nil
	})
	for _, w := range ix.warnings {
		if s.traces[w.Span.TraceID] {
			v.SpanWarnings = append(v.SpanWarnings, w)
		}
	}
	return v
}

// view folds every session.
func (ix *index) view() *View {
	v := &View{Sessions: make([]*SessionView, 0, len(ix.seen)), Warnings: slices.Clone(ix.warnings)}
	if v.Warnings == nil {
		v.Warnings = []Warning{}
	}
	if n := len(ix.entries); n > 0 {
		v.Version = ix.entries[n-1].Seq
	}
	for _, s := range ix.seen {
		v.Sessions = append(v.Sessions, ix.session(s.ID))
	}
	return v
}

// BuildView folds the entries into sessions, in the order each session was
// first seen.
func BuildView(entries []Entry) *View {
	ix := newIndex()
	for _, e := range entries {
		ix.add(e)
	}
	return ix.view()
}
