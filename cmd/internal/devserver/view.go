package devserver

import (
	"cmp"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// sessionIdle is how long a session stays open without an event: the
// translation's default, as the service's.
const sessionIdle = translate.DefaultSessionIdleTimeout

// View is every session folded from entries, in the order each was first
// seen, with every warning. The page asks for pages of sessions and one
// session at a time ([Store.Sessions], [Store.Session]); View serves tests
// and the demo's summary.
type View struct {
	Version  uint64         `json:"version"` // the last entry's sequence number
	Sessions []*SessionView `json:"sessions"`
	Warnings []Warning      `json:"warnings"`
}

// Summary is what the session list shows of a session.
type Summary struct {
	ID       string `json:"id"`
	UserID   string `json:"user_id,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	Start    string `json:"start,omitempty"`
	End      string `json:"end,omitempty"`
	// Open is a session with no end yet; EndsAt is when it ends if nothing
	// more arrives (sessionIdle after its last event).
	Open        bool   `json:"open"`
	EndsAt      string `json:"ends_at,omitempty"`
	IdleMinutes int    `json:"idle_minutes,omitempty"`
	First       string `json:"first"` // its earliest event: the list's order
	DurationMs  int64  `json:"duration_ms"`
	Totals
	Warnings int `json:"warnings"` // of the spans of its traces
	// Version is the sequence number of the last entry that changed it.
	Version uint64 `json:"version"`

	first, last time.Time
}

// SessionView is one session with its conversations, as the page shows it.
type SessionView struct {
	Summary
	Conversations []*ConversationView `json:"conversations"`
	// Items are the session's events outside any conversation: identify,
	// alias, user-defined events, start and end.
	Items []Item `json:"items"`
	// Timeline is the order of Items and Conversations, by time: a
	// conversation where it started, "Session ended" after what it closed.
	Timeline []Place `json:"timeline"`
	// SpanWarnings are the translation's warnings of its traces' spans.
	SpanWarnings []Warning `json:"span_warnings"`

	convs map[string]*ConversationView
}

// Place is one step of a session's timeline: Items[Index] or
// Conversations[Index].
type Place struct {
	Kind  string `json:"kind"` // item, conversation
	Index int    `json:"index"`
}

// ConversationView is one conversation's transcript: its turns, each with
// the calls made for it nested under it.
type ConversationView struct {
	ID string `json:"id"`
	Totals
	Items []Item `json:"items"`
}

// Totals are counts of a session or conversation. Cost is the cost the
// events gave, plus an estimate from [prices] for usage given as tokens of
// a model the table knows (the service prices those itself).
type Totals struct {
	Turns         int     `json:"turns"`
	Functions     int     `json:"functions"`
	Tokens        int64   `json:"tokens"`
	Cost          float64 `json:"cost"`
	CostEstimated bool    `json:"cost_estimated,omitempty"`
}

// Item is one event as the page shows it.
type Item struct {
	Kind          string                `json:"kind"` // turn, usage, function, track, identify, alias, start, end, conversation_start, conversation_end
	Time          string                `json:"time"`
	Name          string                `json:"name,omitempty"`
	Properties    mindlytics.Properties `json:"properties,omitempty"`
	Tokens        int64                 `json:"tokens,omitempty"`
	Cost          float64               `json:"cost,omitempty"`
	CostEstimated bool                  `json:"cost_estimated,omitempty"`
	// UsageUnknown marks a turn with a model and no token counts (a stream
	// that reported no usage): the service cannot price it.
	UsageUnknown bool             `json:"usage_unknown,omitempty"`
	Event        mindlytics.Event `json:"event"`
	Origin       *Origin          `json:"origin,omitempty"`
	// Calls are, for a turn, the model calls, tool calls and events made
	// for it, in the order they happened.
	Calls []Item `json:"calls,omitempty"`
	// Trace is, for a turn from spans, its spans as a tree (trace.go).
	Trace []TraceRow `json:"trace,omitempty"`

	at time.Time
}

// kinds are the page's names of the conversation events.
var kinds = map[string]string{
	mindlytics.EventConversationTurn:     "turn",
	mindlytics.EventConversationUsage:    "usage",
	mindlytics.EventConversationFunction: "function",
	mindlytics.EventConversationStarted:  "conversation_start",
	mindlytics.EventConversationEnded:    "conversation_end",
}

// newItem reads one event.
func newItem(ev mindlytics.Event, at time.Time, origin *Origin) Item {
	it := Item{Time: wire.FormatTimestamp(at), Event: ev, Origin: origin, Properties: ev.Properties, at: at}
	switch ev.Type {
	case mindlytics.TypeStartSession:
		it.Kind = "start"
	case mindlytics.TypeEndSession:
		it.Kind = "end"
	case mindlytics.TypeIdentify:
		it.Kind, it.Properties = "identify", ev.Traits
	case mindlytics.TypeAlias:
		it.Kind = "alias"
	default:
		it.Name = ev.Event
		it.Kind = kinds[ev.Event]
		if it.Kind == "" {
			it.Kind = "track"
		}
	}
	if it.Kind == "turn" || it.Kind == "usage" {
		it.Tokens, it.Cost, it.CostEstimated = usageOf(ev.Properties)
		_, counted := ev.Properties["prompt_tokens"]
		it.UsageUnknown = it.Kind == "turn" && ev.Properties["model"] != nil && !counted && it.Cost == 0
	}
	return it
}

// inConversation says whether an event goes in its conversation's
// transcript.
func inConversation(ev mindlytics.Event) bool {
	return ev.ConversationID != "" && ev.Type == mindlytics.TypeTrack
}

// note counts one event into the summary.
func (s *Summary) note(ev mindlytics.Event, it *Item) {
	if s.first.IsZero() || it.at.Before(s.first) {
		s.first = it.at
	}
	if it.at.After(s.last) {
		s.last = it.at
	}
	switch it.Kind {
	case "start":
		s.Start = it.Time
		s.noteUser(ev.ID, ev.DeviceID)
	case "end":
		s.End = it.Time
	case "identify":
		s.noteUser(ev.ID, ev.DeviceID)
	case "alias":
		s.noteUser(ev.ID, "")
	}
	s.noteUser(ev.UserID, ev.DeviceID)
	s.count(*it)
	s.Open = s.End == ""
	s.First = wire.FormatTimestamp(s.first)
	s.DurationMs = s.last.Sub(s.first).Milliseconds()
	s.EndsAt, s.IdleMinutes = "", 0
	if s.Open {
		s.EndsAt, s.IdleMinutes = wire.FormatTimestamp(s.last.Add(sessionIdle)), int(sessionIdle/time.Minute)
	}
}

func (s *Summary) noteUser(userID, deviceID string) {
	if userID != "" {
		s.UserID = userID
	}
	if deviceID != "" {
		s.DeviceID = deviceID
	}
}

// add places one event in the session.
func (s *SessionView) add(ev mindlytics.Event, it Item) {
	if !inConversation(ev) {
		s.Items = append(s.Items, it)
		return
	}
	c := s.convs[ev.ConversationID]
	if c == nil {
		c = &ConversationView{ID: ev.ConversationID, Items: []Item{}}
		s.convs[ev.ConversationID] = c
		s.Conversations = append(s.Conversations, c)
	}
	c.Items = append(c.Items, it)
	c.count(it)
}

// rank orders a session's rows of the same time: starts first, ends last.
func rank(kind string) int {
	switch kind {
	case "start":
		return 0
	case "conversation_start", "conversation":
		return 1
	case "conversation_end":
		return 3
	case "end":
		return 4
	}
	return 2
}

func byTime(a, b Item) int {
	return cmp.Or(a.at.Compare(b.at), rank(a.Kind)-rank(b.Kind))
}

// arrange orders what the session holds for the page: each list by time,
// calls nested under the turn they were made for, each turn's trace, and
// the timeline of session rows and conversations.
func (s *SessionView) arrange(traces traceSource) {
	slices.SortStableFunc(s.Items, byTime)
	for _, c := range s.Conversations {
		slices.SortStableFunc(c.Items, byTime)
		c.Items = nestCalls(c.Items, traces)
	}
	slices.SortStableFunc(s.Conversations, func(a, b *ConversationView) int { return a.Items[0].at.Compare(b.Items[0].at) })
	type step struct {
		at   time.Time
		rank int
		p    Place
	}
	steps := make([]step, 0, len(s.Items)+len(s.Conversations))
	for i, it := range s.Items {
		steps = append(steps, step{it.at, rank(it.Kind), Place{"item", i}})
	}
	for i, c := range s.Conversations {
		steps = append(steps, step{c.Items[0].at, rank("conversation"), Place{"conversation", i}})
	}
	slices.SortStableFunc(steps, func(a, b step) int { return cmp.Or(a.at.Compare(b.at), a.rank-b.rank) })
	s.Timeline = make([]Place, len(steps))
	for i, st := range steps {
		s.Timeline[i] = st.p
	}
}

// nestCalls moves the model calls, tool calls and other events of a
// conversation under the turn they were made for: the turn whose span
// tree holds their span, else the first turn at or after them (a turn's
// event is timed at its end, after its calls). Calls after the last turn
// stay where they are.
func nestCalls(items []Item, traces traceSource) []Item {
	var turns []int
	for i := range items {
		if items[i].Kind == "turn" {
			turns = append(turns, i)
		}
	}
	if len(turns) == 0 {
		return items
	}
	roots := turnRoots(items, turns, traces)
	owner := make([]int, len(items)) // the turn an item goes under, or -1
	for i := range items {
		owner[i] = -1
		switch items[i].Kind {
		case "usage", "function", "track":
		default:
			continue
		}
		if t, ok := ownerBySpan(items[i].Origin, roots, traces); ok {
			owner[i] = t
			continue
		}
		for _, t := range turns {
			if !items[t].at.Before(items[i].at) {
				owner[i] = t
				break
			}
		}
	}
	out := make([]Item, 0, len(items))
	at := make(map[int]int, len(turns)) // turn index in items → in out
	for i := range items {
		if owner[i] >= 0 {
			continue
		}
		if items[i].Kind == "turn" {
			at[i] = len(out)
		}
		out = append(out, items[i])
	}
	for i := range items {
		if t := owner[i]; t >= 0 {
			turn := &out[at[t]]
			turn.Calls = append(turn.Calls, items[i])
		}
	}
	for _, t := range turns {
		turn := &out[at[t]]
		slices.SortStableFunc(turn.Calls, byTime)
		turn.Trace = traceRows(roots[t], traces)
	}
	return out
}

// prices are USD per million input and output tokens of a few models, to
// estimate the cost of usage the local server is given as tokens.
var prices = map[string][2]float64{
	"gpt-4o":       {2.50, 10},
	"gpt-4o-mini":  {0.15, 0.60},
	"gpt-4.1":      {2, 8},
	"gpt-4.1-mini": {0.40, 1.60},
}
