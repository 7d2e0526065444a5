package translate

import (
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// ancestorInputVKs are keys of an agent run's or step's input that only
// their spans carry: the user's words of the model calls below them.
var ancestorInputVKs = registerKeys(string(conventions.MastraModelStepInputKey),
	string(conventions.MastraModelGenerationInputKey), string(conventions.MastraAgentRunInputKey))

// borrowUserTexts makes a turn of each model call that answered but
// carries no input messages (record.answer), with the user's words of its
// nearest ancestor in the batch that has them: some frameworks (Mastra)
// record the input on the step and the run above the model call, not on
// it. A call whose ancestors in the batch hold none stays usage.
func (t *Translator) borrowUserTexts(spans []spanview.Span, views []attrView, ids *batchIdentities, recs []record) {
	for i := range recs {
		r := &recs[i]
		if r.answer == "" || r.kind != sc.EventUsage {
			continue
		}
		j := ids.parentOf(spans, r.span)
		for range maxAncestry {
			if j < 0 {
				break
			}
			if user := t.userTextOf(&spans[j], &views[j]); user != "" {
				u := r.u
				r.kind, r.usage = sc.EventTurn, mindlytics.Usage{}
				r.turn = mindlytics.Turn{User: t.cut(user), Assistant: r.answer, Model: u.model,
					PromptTokens: u.in, CompletionTokens: u.out, TokensUnknown: !u.hasTokens, Cost: u.cost, Extra: r.answerExtra}
				break
			}
			j = ids.parent[j]
		}
	}
}

// userTextOf reads the user's words a span holds: its input messages under
// any convention the translation reads, else an agent run's or step's input
// (a JSON message list, {"messages": […]}, or plain text).
func (t *Translator) userTextOf(s *spanview.Span, v *attrView) string {
	a := spanView{attrView: v}
	scan := t.scanAttrs(s.Attributes())
	if ex := t.exchangeOf(s, &scan, &a); ex.User != "" {
		return ex.User
	}
	for _, k := range ancestorInputVKs {
		val, ok := v.get(k)
		if !ok {
			continue
		}
		text := strings.TrimSpace(val.AsString())
		if text == "" {
			continue
		}
		if text[0] != '[' && text[0] != '{' {
			return text
		}
		if sum, ok := messages.Summarize(text); ok && sum.LastUser != "" {
			return sum.LastUser
		}
	}
	return ""
}
