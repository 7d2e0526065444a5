package messages

import (
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// FromEvents reads the deprecated per-message span events:
// gen_ai.user.message (content), gen_ai.choice (message or content),
// gen_ai.content.prompt (gen_ai.prompt) and gen_ai.content.completion
// (gen_ai.completion). Any of them may carry gen_ai.event.content instead.
func FromEvents(evs spanview.Events) Exchange {
	var e, out Exchange // out: what output() reads of the outputs, in order
	for i := 0; i < evs.Len(); i++ {
		ev := evs.At(i)
		switch ev.Name {
		case conventions.GenAIUserMessageEvent:
			if m := eventMessage(ev.Attrs, conventions.EventContentKey, conventions.GenAIEventContentKey); m.Text != "" {
				e.User = m.Text // the last one wins
			}
		case conventions.GenAIChoiceEvent:
			m := eventMessage(ev.Attrs, conventions.EventMessageKey, conventions.EventContentKey, conventions.GenAIEventContentKey)
			out.Merge(Exchange{Assistant: m.Text, ToolCalls: m.ToolCalls}) // role "": an output
		case conventions.GenAIContentPromptEvent:
			if u := eventPrompt(ev.Attrs); u != "" {
				e.User = u
			}
		case conventions.GenAIContentCompletionEvent:
			if v, ok := ev.Attrs.Get(string(conventions.GenAICompletionKey)); ok {
				out.Merge(completionOutput(v))
			}
		}
	}
	e.Merge(out)
	return e
}

// eventMessage reads the first of keys that holds a message: plain text or
// a message object (possibly as JSON).
func eventMessage(a spanview.Attrs, keys ...attribute.Key) Message {
	for _, k := range keys {
		v, ok := a.Get(string(k))
		if !ok {
			continue
		}
		sum, text := SummaryOf(v)
		if text != "" {
			return Message{Text: text}
		}
		if m := sum.first; m.Text != "" || m.ToolCalls {
			m.Role = "" // the event's name says who spoke
			return m
		}
	}
	return Message{}
}

func eventPrompt(a spanview.Attrs) string {
	v, ok := a.Get(string(conventions.GenAIPromptKey))
	if !ok {
		return ""
	}
	sum, text := SummaryOf(v)
	if text != "" {
		return text
	}
	return sum.LastUser
}

// completionOutput reads a completion: plain text, one message, or a list.
func completionOutput(v spanview.Value) Exchange {
	sum, text := SummaryOf(v)
	if text != "" {
		return Exchange{Assistant: text}
	}
	return sum.Out
}
