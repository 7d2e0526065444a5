package compact

import (
	"maps"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// A Redactor rewrites what an event says (internal/redact's, configured by
// package redaction).
type Redactor interface {
	// Text rewrites a free text: a turn's texts, a call's arguments and
	// result, an analysis summary.
	Text(string) string
	// Value rewrites a property, attribute or trait value; changed says
	// whether it did.
	Value(any) (v any, changed bool)
}

// Redact rewrites the free texts and the property, attribute and trait
// values of e with r. The ids, timestamps, type and name, model names, the
// agent id, function names, token counts, costs, runtimes and sentiments
// are left as they are (package redaction says why), and so are the keys.
// Maps and analyses e shares are copied before they change, never written.
func (e *Event) Redact(r Redactor) {
	e.Properties = redactMap(e.Properties, r)
	e.Attributes = redactMap(e.Attributes, r)
	e.Traits = redactMap(e.Traits, r)
	if a := e.ConversationAnalysis; a != nil {
		if s := r.Text(a.Summary); s != a.Summary {
			c := *a
			c.Summary = s
			e.ConversationAnalysis = &c
		}
	}
	if a := e.IntentAnalysis; a != nil {
		if s := r.Text(a.Summary); s != a.Summary {
			c := *a
			c.Summary = s
			e.IntentAnalysis = &c
		}
	}
	// turn, call and usage are the event's own copies (Turn, Function,
	// Usage); their Extra maps are not.
	switch e.form {
	case formTurn:
		e.turn.User = r.Text(e.turn.User)
		e.turn.Assistant = r.Text(e.turn.Assistant)
		e.turn.Extra = redactMap(e.turn.Extra, r)
	case formCall:
		e.call.Args = r.Text(e.call.Args)
		e.call.Result = r.Text(e.call.Result)
		e.call.Extra = redactMap(e.call.Extra, r)
	case formUsage:
		e.usage.Extra = redactMap(e.usage.Extra, r)
	}
}

// redactMap returns p with its values rewritten: p itself when none
// changed, else a copy.
func redactMap(p mindlytics.Properties, r Redactor) mindlytics.Properties {
	var out mindlytics.Properties
	for k, v := range p {
		nv, changed := r.Value(v)
		if !changed {
			continue
		}
		if out == nil {
			out = maps.Clone(p)
		}
		out[k] = nv
	}
	if out == nil {
		return p
	}
	return out
}
