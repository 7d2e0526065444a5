package translate

import (
	"slices"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// class is what a span without mindlytics.event is.
type class uint8

const (
	classNone    class = iota // not ours to translate (HTTP, DB, retrieval, …)
	classModel                // a model call: a turn or usage
	classTool                 // a tool call: a function event
	classWrapper              // an agent or workflow around other spans: no event, no usage
	classTurn                 // a conversation turn around model calls: a turn, its usage under it
)

// classify applies the classification rule (Classification in docs/CONVENTIONS.md). Tools and wrappers are decided
// before model calls, because wrappers often repeat their children's model
// and token counts, and counting them again would double the cost.
func classify(a *attrView) class {
	op := a.str(operationNameVK)
	oi := a.str(oiSpanKindVK)
	tl := a.str(tlSpanKindVK)
	vc := a.str(vercelOperationVK)
	switch {
	case op == sc.GenAIOperationExecuteTool,
		strings.EqualFold(oi, conventions.OpenInferenceKindTool),
		tl == conventions.TraceloopKindTool,
		vc == conventions.VercelToolOperation:
		return classTool
	case op == conventions.GenAIOperationHandleConversationTurn:
		return classTurn
	case op == sc.GenAIOperationInvokeAgent, op == conventions.GenAIOperationCreateAgent, op == conventions.GenAIOperationInvokeWorkflow,
		op == conventions.GenAIOperationAgentStep, op == conventions.GenAIOperationInvocationInternal,
		strings.EqualFold(oi, conventions.OpenInferenceKindAgent), strings.EqualFold(oi, conventions.OpenInferenceKindChain),
		tl == conventions.TraceloopKindWorkflow, tl == conventions.TraceloopKindTask, tl == conventions.TraceloopKindAgent,
		slices.Contains(conventions.VercelWrapperOperations, vc):
		return classWrapper
	case op == sc.GenAIOperationChat, op == conventions.GenAIOperationTextCompletion, op == conventions.GenAIOperationGenerateContent,
		strings.EqualFold(oi, conventions.OpenInferenceKindLLM),
		slices.Contains(conventions.VercelModelOperations, vc):
		return classModel
	}
	if c, ok := genkitClass(a); ok {
		return c
	}
	if rt := a.str(llmRequestTypeVK); rt == conventions.LLMRequestTypeChat || rt == conventions.LLMRequestTypeCompletion {
		return classModel
	}
	if a.str(turnUserVK) != "" && a.str(turnAssistantVK) != "" {
		return classModel // our turn keys without mindlytics.event
	}
	// Spans from before gen_ai.operation.name: a model with token counts, or
	// a model with a provider and no operation at all.
	if u := usageOf(a); u.model != "" && (u.hasTokens || (op == "" && provider(a) != "")) {
		return classModel
	}
	return classNone
}

func provider(a *attrView) string { return a.firstStr(providerVKs) }

// The keys classification reads, in the attribute view.
var (
	operationNameVK   = registerKey(string(sc.OperationNameKey))
	oiSpanKindVK      = registerKey(string(conventions.OpenInferenceSpanKindKey))
	tlSpanKindVK      = registerKey(string(conventions.TraceloopSpanKindKey))
	vercelOperationVK = registerKey(string(conventions.VercelOperationIDKey))
	llmRequestTypeVK  = registerKey(string(conventions.LLMRequestTypeKey))
	turnUserVK        = registerKey(string(sc.TurnUserKey))
	turnAssistantVK   = registerKey(string(sc.TurnAssistantKey))
	providerVKs       = registerKeys(string(conventions.GenAIProviderNameKey), string(conventions.GenAISystemKey))
)

func firstStr(a spanview.Attrs, keys ...string) string {
	for _, k := range keys {
		if s := a.Str(k); s != "" {
			return s
		}
	}
	return ""
}
