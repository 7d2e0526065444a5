package translate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
)

// Genkit's native spans (conventions/genkit.go) read as rules: the subtype
// classifies the span (model action → model call, tool action → function,
// flow → wrapper); a model action's genkit:input and genkit:output are
// Genkit's request and response JSON, holding the messages and the usage;
// a tool action's are the args and the result. Genkit's own keys come
// after the GenAI ones: a span that has both (a helper stamped them) is
// read by the GenAI ones.

// genkitSubtypeVK is the one Genkit key the view indexes: classification
// looks it up on every span. The others are read only on Genkit's spans.
var genkitSubtypeVK = registerKey(string(conventions.GenkitSubtypeKey))

// genkitClass classifies a Genkit span by its subtype; ok is false for a
// span Genkit did not make, or one of a kind no rule reads (util, helper:
// Genkit's generate util span repeats its model action's request and
// response, usage included, and must not count again).
func genkitClass(a *attrView) (class, bool) {
	switch sub := a.str(genkitSubtypeVK); {
	case sub == conventions.GenkitSubtypeModel:
		return classModel, true
	case isGenkitTool(sub):
		return classTool, true
	case sub == conventions.GenkitSubtypeFlow:
		return classWrapper, true
	}
	return classNone, false
}

func isGenkitTool(subtype string) bool {
	return slices.Contains(conventions.GenkitSubtypesTool, subtype)
}

// genkitToolName and genkitToolArgs read a Genkit tool action's name and
// input (the args object).
func genkitToolName(a *attrView) string {
	if !isGenkitTool(a.str(genkitSubtypeVK)) {
		return ""
	}
	return a.Str(string(conventions.GenkitNameKey))
}

func genkitToolArgs(a *attrView) (string, bool) {
	if !isGenkitTool(a.str(genkitSubtypeVK)) {
		return "", false
	}
	v, ok := a.Get(string(conventions.GenkitInputKey))
	return v.AsString(), ok
}

func isGenkitModel(a *attrView) bool { return a.str(genkitSubtypeVK) == conventions.GenkitSubtypeModel }

// genkitResponse is what the usage rule reads of a ModelResponse.
type genkitResponse struct {
	Usage *struct {
		InputTokens         json.Number `json:"inputTokens"`
		OutputTokens        json.Number `json:"outputTokens"`
		TotalTokens         json.Number `json:"totalTokens"`
		CachedContentTokens json.Number `json:"cachedContentTokens"`
		ThoughtsTokens      json.Number `json:"thoughtsTokens"`
	} `json:"usage"`
	// Custom is the plugin's own: the OpenAI plugin puts the response id
	// and the answered model there ({"id", "model"}).
	Custom json.RawMessage `json:"custom"`
}

// genkitUsage fills what u lacks from a Genkit model action: the model from
// the response's custom.model, else the action's name less its provider
// ("openai/gpt-5-mini"); the counts from the response's usage. Genkit's
// outputTokens leaves the thoughts out for some plugins (Gemini) and not
// for others (OpenAI's completion tokens include reasoning); the total
// tells which: thoughts are added only when the total holds them apart.
func genkitUsage(a *attrView, u *usageInfo) {
	if !isGenkitModel(a) {
		return
	}
	var res genkitResponse
	out := a.Str(string(conventions.GenkitOutputKey))
	if out != "" && json.Unmarshal([]byte(out), &res) != nil {
		u.ignored = append(u.ignored, ignoredValue{string(conventions.GenkitOutputKey), "not Genkit's model response JSON"})
		res = genkitResponse{}
	}
	var custom struct {
		ID    string `json:"id"`
		Model string `json:"model"`
	}
	if len(res.Custom) > 0 && res.Custom[0] == '{' {
		_ = json.Unmarshal(res.Custom, &custom) // another shape says nothing of these
	}
	if u.model == "" {
		model := custom.Model
		if model == "" {
			name := a.Str(string(conventions.GenkitNameKey))
			_, model, _ = strings.Cut(name, "/")
			if model == "" {
				model = name
			}
		}
		u.model = truncate(model, MaxModelLength)
	}
	if u.responseID == "" {
		u.responseID = custom.ID
	}
	if u.hasTokens || res.Usage == nil {
		return
	}
	count := func(field string, n json.Number) int64 {
		if n == "" {
			return -1
		}
		v, err := n.Int64()
		if err != nil || v < 0 || v > maxTokens {
			u.ignored = append(u.ignored, ignoredValue{string(conventions.GenkitOutputKey),
				fmt.Sprintf("usage.%s %s is not a token count (0 to %d)", field, truncate(n.String(), 40), maxTokens)})
			return -1
		}
		return v
	}
	us := res.Usage
	in, out2 := count("inputTokens", us.InputTokens), count("outputTokens", us.OutputTokens)
	total, thoughts := count("totalTokens", us.TotalTokens), count("thoughtsTokens", us.ThoughtsTokens)
	if in < 0 && out2 < 0 {
		return
	}
	u.hasTokens = true
	u.in, u.out = max(in, 0), max(out2, 0)
	if thoughts > 0 && total >= u.in+u.out+thoughts {
		u.out += thoughts
	}
	if u.cached < 0 {
		u.cached = count("cachedContentTokens", us.CachedContentTokens)
	}
	if u.reasoning < 0 {
		u.reasoning = thoughts
	}
}

// genkitExchange reads a Genkit model action's texts: the last user
// message of its request, the message of its response.
func genkitExchange(a *attrView) messages.Exchange {
	var ex messages.Exchange
	if !isGenkitModel(a) {
		return ex
	}
	if sum, ok := messages.Summarize(strings.TrimSpace(a.Str(string(conventions.GenkitInputKey)))); ok {
		ex.User = sum.LastUser
	}
	if sum, ok := messages.Summarize(strings.TrimSpace(a.Str(string(conventions.GenkitOutputKey)))); ok {
		ex.Merge(sum.Out)
	}
	return ex
}

// genkitToolResult is a Genkit tool action's result: its output, less the
// {"output": …} wrapper of a tool.v2 action.
func genkitToolResult(a *attrView) (string, bool) {
	if !isGenkitTool(a.str(genkitSubtypeVK)) {
		return "", false
	}
	out, ok := a.Get(string(conventions.GenkitOutputKey))
	if !ok {
		return "", false
	}
	s := out.AsString()
	if a.str(genkitSubtypeVK) != conventions.GenkitSubtypeToolV2 {
		return s, true
	}
	var wrapped struct {
		Output json.RawMessage `json:"output"`
	}
	if json.Unmarshal([]byte(s), &wrapped) != nil || len(wrapped.Output) == 0 {
		return s, true
	}
	var text string
	if json.Unmarshal(wrapped.Output, &text) == nil {
		return text, true
	}
	return string(wrapped.Output), true
}
