package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// exchangeFromMessageAttrs reads gen_ai.input.messages and
// gen_ai.output.messages, as a JSON string or as a structured value.
func exchangeFromMessageAttrs(a spanview.Attrs) messages.Exchange {
	v := newAttrView(a)
	return messageAttrsExchange(&spanView{attrView: &v})
}

// The message keys, by their index in messageKeys (attrView.messages).
const (
	inputMsgs = iota
	outputMsgs
	vercelPromptMsgs
)

// messageAttrsExchange is exchangeFromMessageAttrs of a span's view.
func messageAttrsExchange(a *spanView) messages.Exchange {
	var e messages.Exchange
	if m := a.messages(inputMsgs); m.set {
		e.User = m.sum.LastUser
	}
	if m := a.messages(outputMsgs); m.set {
		e.Merge(m.sum.Out)
	}
	return e
}
