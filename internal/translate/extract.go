package translate

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// record is what one span becomes before identity and lifecycle are applied:
// at most one Mindlytics event of its own.
type record struct {
	span  int          // index of the span in the batch
	kind  sc.EventKind // the event it makes
	at    time.Time    // the event's time
	begin time.Time    // the span's start: the time of a session or conversation it opens
	id    identity
	turn  mindlytics.Turn
	usage mindlytics.Usage
	call  mindlytics.FunctionCall
	name  string // a track event's name
	props mindlytics.Properties
	attrs mindlytics.Properties
	// traits of identify; previousID of alias
	traits     mindlytics.Properties
	previousID string
	// the analyses of a conversation end, when its span gives them
	convAnalysis   *mindlytics.ConversationAnalysis
	intentAnalysis *mindlytics.IntentAnalysis
	// Of model calls, for merging the spans that describe one call
	// (modelcalls.go): whether mindlytics.event asked for the kind, the usage
	// read, and whether the span is a turn around other model calls.
	explicit  bool
	u         usageInfo
	turnScope bool
	// ignored lists values of the span the rules did not use, and why; they
	// are reported whatever the span makes.
	ignored []ignoredValue
	// conversational puts a track event in the session's default
	// conversation when the span names none (an evaluation of a call).
	conversational bool
	// joined: the span's session belongs to another service
	// (mindlytics.session.joined).
	joined bool
	// answer is the assistant text of a model call that is usage only
	// because it has no input messages; the nearest ancestor in the batch
	// that holds the user's words makes it a turn (ancestortext.go).
	answer      string
	answerExtra mindlytics.Properties
	// question is the user's words of a model call that made no turn
	// (a tool-calling step): a call continuing its thread takes them.
	question string
	// Of functions: the id of the tool call run, and whether the run was
	// read from a model call's input rather than traced (historytools.go).
	toolCallID  string
	fromHistory bool
}

// extract classifies a span and reads what its event needs into r, which
// is zero: the batch's next record, in place (returning a record of some
// hundreds of bytes copied it twice a span). ok is false for spans that
// make no event; r is then left as it is, for the caller to clear, unless
// written is false: a span of no class that makes events (a wrapper, an
// HTTP call) leaves r untouched, zero, and clearing its some hundred bytes
// again is the most of what such a span costs here.
// view is the view of the span's attributes. c is the span's class, as
// classify says, for the outcome of a span that made no record
// (noteExtracted); classUnread for a span whose mindlytics.event named its
// kind, which is not classified.
func (t *Translator) extract(s *spanview.Span, i int, view *attrView, r *record) (c class, ok, written bool, err error) {
	a := view
	kind, explicit := a.get(mindlyticsEventVK)
	c = classUnread
	if !explicit {
		if c = classify(a); c != classTool && c != classModel && c != classTurn {
			return c, false, false, nil
		}
	}
	r.span, r.at, r.begin = i, s.EndOrStart(), s.StartTime()
	if v, ok := a.get(sessionJoinedVK); ok {
		r.joined, _ = v.Bool()
	}
	if explicit {
		r.kind = sc.EventKind(kind.AsString())
		if !r.kind.Valid() {
			return c, false, true, fmt.Errorf("unknown %s value %q", sc.MindlyticsEventKey, truncate(string(r.kind), 100))
		}
		ok, err = t.extractExplicit(s, r, a)
		return c, ok, true, err
	}
	// Only model calls and turns read messages: the other spans make no
	// spanView (its message readings, zeroed, are most of its size).
	switch c {
	case classTool:
		r.kind = sc.EventFunction
		ok, err = t.extractFunction(s, r, a)
	case classModel:
		ok, err = t.extractModelCall(s, r, "", &spanView{attrView: a})
	case classTurn:
		ok, err = t.extractTurnScope(s, r, &spanView{attrView: a})
	}
	return c, ok, true, err
}

// The keys extract reads, in the attribute view.
var (
	sessionJoinedVK   = registerKey(string(conventions.SessionJoinedKey))
	mindlyticsEventVK = registerKey(string(sc.MindlyticsEventKey))
	inTurnVK          = registerKey(string(conventions.InTurnKey))
	messageVKs        = registerKeys(messageKeys...)
	finishReasonsVK   = registerKey(string(conventions.GenAIResponseFinishReasonsKey))
	vercelFinishVK    = registerKey("ai.response.finishReason")
	vercelTextVK      = registerKey(string(conventions.VercelResponseTextKey))
	vercelToolCallsVK = registerKey(string(conventions.VercelResponseToolCallsKey))
	inputValueVK      = registerKey(string(conventions.InputValueKey))
	outputValueVK     = registerKey(string(conventions.OutputValueKey))
	inputMimeVK       = registerKey(string(conventions.InputMimeTypeKey))
	outputMimeVK      = registerKey(string(conventions.OutputMimeTypeKey))
	toolNameVKs       = registerKeys(string(sc.ToolNameKey), string(conventions.OpenInferenceToolNameKey),
		string(conventions.TraceloopEntityNameKey), string(conventions.VercelToolCallNameKey))
	toolArgsVKs           = registerKeys(string(sc.ToolCallArgumentsKey), string(conventions.InputValueKey), string(conventions.VercelToolCallArgsKey))
	toolInputVK           = registerKey(string(conventions.TraceloopEntityInputKey))
	anthropicToolResultVK = registerKey(string(conventions.AnthropicToolResultContentKey))
	toolResultVKs         = registerKeys(string(sc.ToolCallResultKey), string(conventions.OutputValueKey), string(conventions.TraceloopEntityOutputKey),
		string(conventions.VercelToolCallResultKey))
)

// extractTurnScope reads a conversation turn span around model calls
// (handle_conversation_turn): a turn from its messages, without usage of
// its own, since the model calls under it carry the usage.
func (t *Translator) extractTurnScope(s *spanview.Span, r *record, a *spanView) (bool, error) {
	scan := t.scanView(a.attrView)
	ex := t.exchangeOf(s, &scan, a)
	if !ex.Complete() {
		return false, nil
	}
	r.kind, r.turnScope = sc.EventTurn, true
	r.turn = mindlytics.Turn{User: t.cut(ex.User), Assistant: t.cut(ex.Assistant), Extra: scan.props}
	return true, nil
}

func (t *Translator) extractExplicit(s *spanview.Span, r *record, a *attrView) (bool, error) {
	r.explicit = true
	switch r.kind {
	case sc.EventTurn, sc.EventUsage:
		return t.extractModelCall(s, r, r.kind, &spanView{attrView: a})
	case sc.EventFunction:
		return t.extractFunction(s, r, a)
	}
	scan := t.scanView(a)
	r.props, r.attrs, r.traits = scan.props, scan.attrs, scan.traits
	switch r.kind {
	case sc.EventSessionStart, sc.EventConversationStart:
		r.at = s.StartTime()
	case sc.EventTrack:
		r.name = s.Attributes().Str(string(sc.EventNameKey))
		if r.name == "" {
			r.name = s.Name()
		}
	case sc.EventConversationEnd:
		r.convAnalysis, r.intentAnalysis = analysesOf(s.Attributes())
	case sc.EventAlias:
		r.previousID = s.Attributes().Str(string(sc.PreviousIDKey))
		if r.previousID == "" {
			return false, fmt.Errorf("alias needs %s", sc.PreviousIDKey)
		}
	}
	return true, nil
}

// extractModelCall makes a turn when the call has user and assistant text,
// asks for no tool and did not fail, else usage when there is something to
// count: tokens of a known model, or a cost. explicit is the kind
// mindlytics.event asked for, if any. Cache and reasoning token counts go
// along as extra properties.
func (t *Translator) extractModelCall(s *spanview.Span, r *record, explicit sc.EventKind, a *spanView) (bool, error) {
	u := usageOf(a.attrView)
	scope, _ := s.Scope()
	u.wholeInput(scope)
	scan := t.scanView(a.attrView)
	u.modal = scan.modal
	r.u = u
	r.ignored = append(u.ignored, brokenMessages(a)...)
	ex := t.exchangeOf(s, &scan, a)
	failed := s.Failed()
	inTurn := false
	if v, ok := a.get(inTurnVK); ok {
		inTurn, _ = v.Bool()
	}
	isTurn := ex.Complete() && !ex.ToolCalls && !failed && !inTurn
	switch explicit {
	case sc.EventTurn:
		if !ex.Complete() {
			return false, errors.New("turn needs user and assistant text")
		}
		isTurn = true
	case sc.EventUsage:
		isTurn = false
	}
	if isTurn {
		r.kind = sc.EventTurn
		r.turn = mindlytics.Turn{
			User: t.cut(ex.User), Assistant: t.cut(ex.Assistant), Model: u.model,
			PromptTokens: u.in, CompletionTokens: u.out, TokensUnknown: !u.hasTokens, Cost: u.cost, Extra: withDetails(scan.props, u),
		}
		return true, nil
	}
	r.kind = sc.EventUsage
	r.question = ex.User // a later call of its thread may answer it (ancestortext.go)
	if explicit == "" && ex.User == "" && ex.Assistant != "" && !ex.ToolCalls && !failed && !inTurn {
		r.answer, r.answerExtra = t.cut(ex.Assistant), withDetails(scan.props, u)
	}
	switch {
	case u.cost > 0: // a known cost wins over pricing by model: never both, so nothing counts twice
		r.usage = mindlytics.Usage{Cost: u.cost, Extra: u.details()}
	case u.model != "" && (u.hasTokens || explicit == sc.EventUsage):
		r.usage = mindlytics.Usage{Model: u.model, PromptTokens: u.in, CompletionTokens: u.out, Extra: u.details()}
	case explicit == sc.EventUsage && u.zeroCost:
		r.usage = mindlytics.Usage{Cost: 0, Extra: u.details()} // asked for, and the service takes it
	case explicit == sc.EventUsage:
		return false, errors.New("usage needs a model or a cost")
	default:
		// Nothing to count: no tokens (a failed call, a stream that reported
		// none) or no model to price them by.
		return false, nil
	}
	return true, nil
}

// withDetails adds the token details to a turn's extra properties; the
// span's own mindlytics.properties.* win.
func withDetails(props mindlytics.Properties, u usageInfo) mindlytics.Properties {
	d := u.details()
	if len(d) == 0 {
		return props
	}
	if props == nil {
		props = make(mindlytics.Properties, len(d))
	}
	for k, v := range d {
		if _, taken := props[k]; !taken {
			props[k] = v
		}
	}
	return props
}

// exchangeOf reads the call's texts from the first sources that have them:
// our keys, the GenAI message attributes, the deprecated message events,
// OpenLLMetry's and OpenInference's indexed attributes, OpenInference's
// input.value / output.value, and Genkit's request and response JSON.
func (t *Translator) exchangeOf(s *spanview.Span, scan *scan, a *spanView) messages.Exchange {
	ex := messages.Exchange{User: a.str(turnUserVK), Assistant: a.str(turnAssistantVK)}
	for step := 0; step < 7 && !ex.Complete(); step++ {
		switch step {
		case 0:
			ex.Merge(messageAttrsExchange(a))
		case 1:
			ex.Merge(messages.FromEvents(s.Events()))
		case 2:
			ex.Merge(indexedExchange(scan.olIn, scan.olOut))
		case 3:
			ex.Merge(indexedExchange(scan.oiIn, scan.oiOut))
		case 4:
			ex.Merge(vercelExchange(a))
		case 5:
			ex.Merge(ioValueExchange(a.attrView))
		case 6:
			ex.Merge(genkitExchange(a.attrView))
		}
	}
	ex.User = unwrapMessagesText(ex.User)
	ex.ToolCalls = ex.ToolCalls || finishedForTools(a.attrView)
	return ex
}

// messageKeys hold message JSON.
var messageKeys = []string{string(conventions.GenAIInputMessagesKey), string(conventions.GenAIOutputMessagesKey), string(conventions.VercelPromptMessagesKey)}

// brokenMessages reports message attributes that look like JSON and do not
// parse: without them a turn may come out as usage, and the user should
// know why.
func brokenMessages(a *spanView) []ignoredValue {
	var out []ignoredValue
	for i, k := range messageKeys {
		if a.messages(i).broken {
			out = append(out, ignoredValue{k, "not valid message JSON"})
		}
	}
	return out
}

// isToolFinishReason tells the finish reasons of a response that asks for
// tools (OpenAI, the GenAI conventions, Anthropic, the Vercel AI SDK).
// A switch, not a map: every model call asks, mostly of "" (no Vercel
// finish reason), and a map lookup hashes the key.
func isToolFinishReason(r string) bool {
	switch r {
	case "tool_calls", "tool_call", "function_call", "tool_use", "tool-calls":
		return true
	}
	return false
}

// finishedForTools reads gen_ai.response.finish_reasons (a list, or its
// JSON) and the Vercel AI SDK's ai.response.finishReason: a call that
// stopped to call tools is usage, not a turn, even when its output messages
// say nothing of the calls.
func finishedForTools(a *attrView) bool {
	if v, ok := a.get(finishReasonsVK); ok {
		var reasons []string
		switch raw := v.Raw().(type) {
		case []any:
			for _, r := range raw {
				if s, ok := r.(string); ok {
					reasons = append(reasons, s)
				}
			}
		case string:
			if json.Unmarshal([]byte(raw), &reasons) != nil {
				reasons = []string{raw}
			}
		}
		for _, r := range reasons {
			if isToolFinishReason(r) {
				return true
			}
		}
	}
	return isToolFinishReason(a.str(vercelFinishVK))
}

// vercelExchange reads the Vercel AI SDK's step attributes: ai.prompt.messages
// (the step's input), ai.response.text and ai.response.toolCalls.
func vercelExchange(a *spanView) messages.Exchange {
	var ex messages.Exchange
	if m := a.messages(vercelPromptMsgs); m.set {
		ex.User = m.sum.LastUser
	}
	ex.Assistant = a.str(vercelTextVK)
	if v, ok := a.get(vercelToolCallsVK); ok {
		s := messages.TrimSpace(v.AsString())
		ex.ToolCalls = s != "" && s != "[]" && s != "null"
	}
	return ex
}

// unwrapMessagesText reads a user text that is itself a list of messages
// written as JSON (OpenLLMetry records the Responses API's input array as
// one text part): the last user message of the list, else the text as it
// is.
func unwrapMessagesText(text string) string {
	t := messages.TrimSpace(text)
	if t == "" || (t[0] != '[' && t[0] != '{') {
		return text
	}
	if sum, ok := messages.Summarize(t); ok && sum.LastUser != "" {
		return sum.LastUser
	}
	return text
}

// ioValueExchange reads OpenInference's input.value and output.value: plain
// text, or JSON holding messages ({"messages": […]}, [{role, content}],
// {"choices": [{message}]}, {role, content: [parts]}).
func ioValueExchange(a *attrView) messages.Exchange {
	var ex messages.Exchange
	if v, ok := a.get(inputValueVK); ok {
		sum, text := ioMessages(a, inputMimeVK, v)
		if ex.User = text; text == "" {
			ex.User = sum.LastUser
		}
	}
	if v, ok := a.get(outputValueVK); ok {
		sum, text := ioMessages(a, outputMimeVK, v)
		if ex.Assistant = text; text == "" {
			ex.Merge(sum.Out)
		}
	}
	return ex
}

// ioMessages reads a value as text when its MIME type says so, else as
// messages or text.
func ioMessages(a *attrView, mimeKey viewKey, v spanview.Value) (messages.Summary, string) {
	if a.str(mimeKey) == "text/plain" && v.Kind() == spanview.KindString {
		return messages.Summary{}, v.Str()
	}
	return messages.SummaryOf(v)
}

// analysesOf reads the analyses of a conversation end span: each is made
// when its summary or sentiment is given (the event's check refuses it
// when it lacks a valid sentiment, or an intent outcome).
func analysesOf(a spanview.Attrs) (*mindlytics.ConversationAnalysis, *mindlytics.IntentAnalysis) {
	cost := func(key attribute.Key) float64 {
		if v, ok := a.Get(string(key)); ok {
			if f, ok := v.Float(); ok {
				return f
			}
		}
		return 0
	}
	var conv *mindlytics.ConversationAnalysis
	var intent *mindlytics.IntentAnalysis
	if summary, sentiment := a.Str(string(sc.ConversationAnalysisSummaryKey)), a.Str(string(sc.ConversationAnalysisSentimentKey)); summary != "" || sentiment != "" {
		conv = &mindlytics.ConversationAnalysis{Summary: summary, Sentiment: sentiment, Cost: cost(sc.ConversationAnalysisCostKey)}
	}
	if summary, sentiment := a.Str(string(sc.IntentAnalysisSummaryKey)), a.Str(string(sc.IntentAnalysisSentimentKey)); summary != "" || sentiment != "" {
		intent = &mindlytics.IntentAnalysis{Summary: summary, Sentiment: sentiment,
			IntentFulfilled: a.Str(string(sc.IntentAnalysisFulfilledKey)), Cost: cost(sc.IntentAnalysisCostKey)}
	}
	return conv, intent
}
