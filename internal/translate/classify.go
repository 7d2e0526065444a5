package translate

import (
	"strings"

	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// class is what a span without mindlytics.event is.
type class uint8

const (
	classNone    class = iota // not ours to translate (HTTP, DB, retrieval, …)
	classModel                // a model call: a turn or usage
	classTool                 // a tool call: a function event
	classWrapper              // an agent or workflow around other spans: no event, no usage
)

// classify applies the classification rule (see Classification in doc.go). Tools and wrappers are decided
// before model calls, because wrappers often repeat their children's model
// and token counts, and counting them again would double the cost.
func classify(a Attrs) class {
	op := a.Str(string(sc.OperationNameKey))
	oi := a.Str(string(sc.OpenInferenceSpanKindKey))
	tl := a.Str(string(sc.TraceloopSpanKindKey))
	switch {
	case op == sc.GenAIOperationExecuteTool,
		strings.EqualFold(oi, sc.OpenInferenceKindTool),
		tl == sc.TraceloopKindTool:
		return classTool
	case op == sc.GenAIOperationInvokeAgent, op == sc.GenAIOperationCreateAgent, op == sc.GenAIOperationInvokeWorkflow,
		strings.EqualFold(oi, sc.OpenInferenceKindAgent), strings.EqualFold(oi, sc.OpenInferenceKindChain),
		tl == sc.TraceloopKindWorkflow, tl == sc.TraceloopKindTask, tl == sc.TraceloopKindAgent:
		return classWrapper
	case op == sc.GenAIOperationChat, op == sc.GenAIOperationTextCompletion, op == sc.GenAIOperationGenerateContent,
		strings.EqualFold(oi, sc.OpenInferenceKindLLM):
		return classModel
	}
	if rt := a.Str(string(sc.LLMRequestTypeKey)); rt == sc.LLMRequestTypeChat || rt == sc.LLMRequestTypeCompletion {
		return classModel
	}
	if a.Str(string(sc.TurnUserKey)) != "" && a.Str(string(sc.TurnAssistantKey)) != "" {
		return classModel // our turn keys without mindlytics.event
	}
	// Spans from before gen_ai.operation.name: a model with token counts, or
	// a model with a provider and no operation at all.
	if u := usageOf(a); u.model != "" && (u.hasTokens || (op == "" && provider(a) != "")) {
		return classModel
	}
	return classNone
}

func provider(a Attrs) string {
	return firstStr(a, string(sc.GenAIProviderNameKey), string(sc.GenAISystemKey))
}

// usageInfo is the model, token counts and known cost of a model call.
type usageInfo struct {
	model     string
	in, out   int64
	hasTokens bool
	cost      float64
}

// usageOf reads usage: the response model before the requested one, current
// GenAI keys before deprecated ones before OpenInference's.
func usageOf(a Attrs) usageInfo {
	var u usageInfo
	u.model = firstStr(a, string(sc.ResponseModelKey), string(sc.RequestModelKey), string(sc.LLMModelNameKey))
	var okIn, okOut bool
	u.in, okIn = firstInt(a, string(sc.InputTokensKey), string(sc.GenAIUsagePromptTokensKey), string(sc.LLMTokenCountPromptKey))
	u.out, okOut = firstInt(a, string(sc.OutputTokensKey), string(sc.GenAIUsageCompletionTokensKey), string(sc.LLMTokenCountCompletionKey))
	u.hasTokens = okIn || okOut
	for _, k := range []string{string(sc.UsageCostKey), string(sc.LLMCostTotalKey)} {
		if v, ok := a.Get(k); ok {
			if f, ok := v.Float(); ok && f > 0 && f < 1e12 { // negative, NaN and absurd costs are not costs
				u.cost = f
				break
			}
		}
	}
	return u
}

func firstStr(a Attrs, keys ...string) string {
	for _, k := range keys {
		if s := a.Str(k); s != "" {
			return s
		}
	}
	return ""
}

func firstInt(a Attrs, keys ...string) (int64, bool) {
	for _, k := range keys {
		if v, ok := a.Get(k); ok {
			if n, ok := v.Int(); ok && n >= 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// firstValue returns the first of keys that is set to a non-empty value.
func firstValue(a Attrs, keys ...string) (Value, bool) {
	for _, k := range keys {
		if v, ok := a.Get(k); ok && v.Kind() != KindEmpty && !(v.Kind() == KindString && v.Str() == "") {
			return v, true
		}
	}
	return Value{}, false
}
