package devserver

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// View is what the page shows, built from the store's entries.
type View struct {
	Version  uint64         `json:"version"` // the last entry's sequence number
	Sessions []*SessionView `json:"sessions"`
	Warnings []Warning      `json:"warnings"`
}

// SessionView is one session with its totals and conversations.
type SessionView struct {
	ID         string `json:"id"`
	UserID     string `json:"user_id,omitempty"`
	DeviceID   string `json:"device_id,omitempty"`
	Start      string `json:"start,omitempty"`
	End        string `json:"end,omitempty"`
	DurationMs int64  `json:"duration_ms"`
	Totals
	Conversations []*ConversationView `json:"conversations"`
	// Items are the session's events outside any conversation: identify,
	// alias, user-defined events, start and end.
	Items []Item `json:"items"`

	first, last time.Time
	convs       map[string]*ConversationView
}

// ConversationView is one conversation's transcript.
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
}

// prices are USD per million input and output tokens of a few models, to
// estimate the cost of usage the local server is given as tokens.
var prices = map[string][2]float64{
	"gpt-4o":       {2.50, 10},
	"gpt-4o-mini":  {0.15, 0.60},
	"gpt-4.1":      {2, 8},
	"gpt-4.1-mini": {0.40, 1.60},
}

// BuildView folds the entries into sessions, in the order each session was
// first seen.
func BuildView(entries []Entry) *View {
	v := &View{Sessions: []*SessionView{}, Warnings: []Warning{}}
	byID := map[string]*SessionView{}
	for _, e := range entries {
		v.Version = e.Seq
		v.Warnings = append(v.Warnings, e.Warnings...)
		for i, ev := range e.Events {
			s := byID[ev.SessionID]
			if s == nil {
				s = &SessionView{ID: ev.SessionID, Conversations: []*ConversationView{}, Items: []Item{}, convs: map[string]*ConversationView{}}
				byID[ev.SessionID] = s
				v.Sessions = append(v.Sessions, s)
			}
			var origin *Origin
			if i < len(e.Origins) {
				origin = e.Origins[i]
			}
			s.add(ev, eventTime(ev, e.Accepted), origin)
		}
	}
	for _, s := range v.Sessions {
		if !s.first.IsZero() {
			s.DurationMs = s.last.Sub(s.first).Milliseconds()
		}
	}
	return v
}

func eventTime(ev mindlytics.Event, accepted time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, ev.Timestamp); err == nil {
		return t
	}
	return accepted
}

func (s *SessionView) add(ev mindlytics.Event, at time.Time, origin *Origin) {
	if s.first.IsZero() || at.Before(s.first) {
		s.first = at
	}
	if at.After(s.last) {
		s.last = at
	}
	it := Item{Time: wire.FormatTimestamp(at), Event: ev, Origin: origin, Properties: ev.Properties}
	switch ev.Type {
	case mindlytics.TypeStartSession:
		it.Kind, s.Start = "start", it.Time
		s.noteUser(ev.ID, ev.DeviceID)
	case mindlytics.TypeEndSession:
		it.Kind, s.End = "end", it.Time
	case mindlytics.TypeIdentify:
		it.Kind, it.Properties = "identify", ev.Traits
		s.noteUser(ev.ID, ev.DeviceID)
	case mindlytics.TypeAlias:
		it.Kind = "alias"
		s.noteUser(ev.ID, "")
	default:
		it.Name = ev.Event
		it.Kind = map[string]string{
			mindlytics.EventConversationTurn:     "turn",
			mindlytics.EventConversationUsage:    "usage",
			mindlytics.EventConversationFunction: "function",
			mindlytics.EventConversationStarted:  "conversation_start",
			mindlytics.EventConversationEnded:    "conversation_end",
		}[ev.Event]
		if it.Kind == "" {
			it.Kind = "track"
		}
	}
	s.noteUser(ev.UserID, ev.DeviceID)
	if it.Kind == "turn" || it.Kind == "usage" {
		it.Tokens, it.Cost, it.CostEstimated = usageOf(ev.Properties)
		_, counted := ev.Properties["prompt_tokens"]
		it.UsageUnknown = it.Kind == "turn" && ev.Properties["model"] != nil && !counted && it.Cost == 0
	}
	if ev.ConversationID == "" || ev.Type != mindlytics.TypeTrack {
		s.Items = append(s.Items, it)
		s.count(it)
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
	s.count(it)
}

func (s *SessionView) noteUser(userID, deviceID string) {
	if userID != "" {
		s.UserID = userID
	}
	if deviceID != "" {
		s.DeviceID = deviceID
	}
}

func (t *Totals) count(it Item) {
	switch it.Kind {
	case "turn":
		t.Turns++
	case "function":
		t.Functions++
	}
	t.Tokens += it.Tokens
	t.Cost += it.Cost
	t.CostEstimated = t.CostEstimated || it.CostEstimated
}

// usageOf reads a turn's or usage's tokens and cost; without a cost, it
// estimates one for a model of [prices].
func usageOf(p mindlytics.Properties) (tokens int64, cost float64, estimated bool) {
	in, out := number(p["prompt_tokens"]), number(p["completion_tokens"])
	tokens = int64(in + out)
	if c, ok := p["cost"]; ok {
		return tokens, number(c), false
	}
	model, _ := p["model"].(string)
	if pr, ok := prices[model]; ok {
		return tokens, (in*pr[0] + out*pr[1]) / 1e6, true
	}
	// Dated model names (gpt-4o-2024-08-06) take their family's price.
	keys := make([]string, 0, len(prices))
	for k := range prices {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	for _, k := range keys {
		if len(model) > len(k) && model[:len(k)+1] == k+"-" && model[len(k)+1] >= '0' && model[len(k)+1] <= '9' {
			pr := prices[k]
			return tokens, (in*pr[0] + out*pr[1]) / 1e6, true
		}
	}
	return tokens, 0, false
}

func number(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case string:
		f, _ := strconv.ParseFloat(n, 64)
		return f
	}
	return 0
}
