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
// carries no user words (record.answer), with the user's words from
// elsewhere in its trace:
//
//   - the nearest ancestor in the batch that has them: some frameworks
//     (Mastra) record the input on the step and the run above the model
//     call, not on it;
//   - else the latest earlier call beside it (the same parent) that has them
//     and made no turn: a call that continues a thread the provider keeps
//     (Anthropic's tool runner, OpenAI's previous_response_id) sends only
//     the tool results, and the question was the exchange's first call's.
//     Each such question answers one call.
//
// A call with neither stays usage.
func (t *Translator) borrowUserTexts(spans []spanview.Span, views []attrView, ids *batchIdentities, recs []record) {
	var asked map[int]bool // calls whose question a later call took
	for i := range recs {
		r := &recs[i]
		if r.answer == "" || r.kind != sc.EventUsage {
			continue
		}
		user := t.ancestorUserText(spans, views, ids, r.span)
		if user == "" {
			var from int
			if user, from = threadQuestion(spans, recs, i, asked); user != "" {
				if asked == nil {
					asked = map[int]bool{}
				}
				asked[from] = true
			}
		}
		if user == "" {
			continue
		}
		u := r.u
		r.kind, r.usage = sc.EventTurn, mindlytics.Usage{}
		r.turn = mindlytics.Turn{User: t.cut(user), Assistant: r.answer, Model: u.model,
			PromptTokens: u.in, CompletionTokens: u.out, TokensUnknown: !u.hasTokens, Cost: u.cost, Extra: r.answerExtra}
	}
}

// ancestorUserText is the user's words of span i's nearest ancestor in the
// batch that has them.
func (t *Translator) ancestorUserText(spans []spanview.Span, views []attrView, ids *batchIdentities, i int) string {
	j := ids.parentOf(spans, i)
	for range maxAncestry {
		if j < 0 {
			return ""
		}
		if user := t.userTextOf(&spans[j], &views[j]); user != "" {
			return user
		}
		j = ids.parent[j]
	}
	return ""
}

// threadQuestion is the user's words of the latest model call that started
// before recs[i]'s, beside it (same trace, same parent), made no turn and
// has them, with that call's index in recs; asked are the calls whose
// question was taken already.
func threadQuestion(spans []spanview.Span, recs []record, i int, asked map[int]bool) (string, int) {
	s := &spans[recs[i].span]
	best := -1
	for j := range recs {
		c := &recs[j]
		if j == i || c.kind != sc.EventUsage || c.question == "" || asked[j] {
			continue
		}
		o := &spans[c.span]
		if o.TraceID() != s.TraceID() || o.ParentSpanID() != s.ParentSpanID() || !o.StartTime().Before(s.StartTime()) {
			continue
		}
		if best < 0 || o.StartTime().After(spans[recs[best].span].StartTime()) {
			best = j
		}
	}
	if best < 0 {
		return "", -1
	}
	return recs[best].question, best
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
