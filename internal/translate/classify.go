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

	// classUnread: not classified (a span whose mindlytics.event names its
	// kind); classify never returns it.
	classUnread class = 255
)

// classify applies the classification rule (Classification in docs/CONVENTIONS.md). Tools and wrappers are decided
// before model calls, because wrappers often repeat their children's model
// and token counts, and counting them again would double the cost.
func classify(a *attrView) class {
	op := a.str(operationNameVK)
	// Each convention's kind of span names a class; the first of tool,
	// turn, wrapper and model that any of them names wins (a switch each,
	// not a test of every name in turn: every span is classified). Most
	// spans name their kind by gen_ai.operation.name alone: the other
	// conventions' ranks are read only when one of their keys is there.
	rank := operationRank(op)
	if rank != rankTool && (mayHave(a, oiSpanKindVK) || mayHave(a, tlSpanKindVK) || mayHave(a, vercelOperationVK)) {
		rank = min(rank, openInferenceRank(a.str(oiSpanKindVK)), traceloopRank(a.str(tlSpanKindVK)), vercelRank(a.str(vercelOperationVK)))
	}
	switch rank {
	case rankTool:
		return classTool
	case rankTurn:
		return classTurn
	case rankWrapper:
		return classWrapper
	case rankModel:
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

// The ranks of what a convention's kind of span says, first first.
const (
	rankTool = iota
	rankTurn
	rankWrapper
	rankModel
	rankNone
)

func operationRank(op string) int {
	switch op {
	case sc.GenAIOperationExecuteTool:
		return rankTool
	case conventions.GenAIOperationHandleConversationTurn:
		return rankTurn
	case sc.GenAIOperationInvokeAgent, conventions.GenAIOperationCreateAgent, conventions.GenAIOperationInvokeWorkflow,
		conventions.GenAIOperationAgentStep, conventions.GenAIOperationInvocationInternal:
		return rankWrapper
	case sc.GenAIOperationChat, conventions.GenAIOperationTextCompletion, conventions.GenAIOperationGenerateContent:
		return rankModel
	}
	return rankNone
}

// openInferenceRank reads openinference.span.kind in any case.
func openInferenceRank(kind string) int {
	switch {
	case kind == "":
	case strings.EqualFold(kind, conventions.OpenInferenceKindTool):
		return rankTool
	case strings.EqualFold(kind, conventions.OpenInferenceKindAgent), strings.EqualFold(kind, conventions.OpenInferenceKindChain):
		return rankWrapper
	case strings.EqualFold(kind, conventions.OpenInferenceKindLLM):
		return rankModel
	}
	return rankNone
}

func traceloopRank(kind string) int {
	switch kind {
	case conventions.TraceloopKindTool:
		return rankTool
	case conventions.TraceloopKindWorkflow, conventions.TraceloopKindTask, conventions.TraceloopKindAgent:
		return rankWrapper
	}
	return rankNone
}

func vercelRank(op string) int {
	switch {
	case op == "":
	case op == conventions.VercelToolOperation:
		return rankTool
	case slices.Contains(conventions.VercelWrapperOperations, op):
		return rankWrapper
	case slices.Contains(conventions.VercelModelOperations, op):
		return rankModel
	}
	return rankNone
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
