package translate

import (
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// classifyByNames is classify as it was written before the ranks: every
// name tested in turn, by the rule's order.
func classifyByNames(a *attrView) class {
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
		return classModel
	}
	if u := usageOf(a); u.model != "" && (u.hasTokens || (op == "" && provider(a) != "")) {
		return classModel
	}
	return classNone
}

// TestClassifyRanksAsNames: every combination of the conventions' kinds,
// given or not, in other cases and unknown, classifies as testing each name
// in turn does.
func TestClassifyRanksAsNames(t *testing.T) {
	ops := []string{"", "x", "CHAT", sc.GenAIOperationChat, sc.GenAIOperationInvokeAgent, sc.GenAIOperationExecuteTool,
		conventions.GenAIOperationTextCompletion, conventions.GenAIOperationGenerateContent, conventions.GenAIOperationEmbeddings,
		conventions.GenAIOperationRetrieval, conventions.GenAIOperationCreateAgent, conventions.GenAIOperationInvokeWorkflow,
		conventions.GenAIOperationAgentStep, conventions.GenAIOperationHandleConversationTurn, conventions.GenAIOperationInvocationInternal}
	ois := []string{"", "x", "tool", "TOOL", "Agent", "chain", "CHAIN", "llm", "LLM", "EMBEDDING", "ſ", "K"}
	tls := []string{"", "x", "Tool", conventions.TraceloopKindTool, conventions.TraceloopKindWorkflow, conventions.TraceloopKindTask,
		conventions.TraceloopKindAgent}
	vcs := append([]string{"", "x", "ai.toolcall", conventions.VercelToolOperation}, conventions.VercelWrapperOperations...)
	vcs = append(vcs, conventions.VercelModelOperations...)
	n := 0
	for _, op := range ops {
		for _, oi := range ois {
			for _, tl := range tls {
				for _, vc := range vcs {
					var kvs []attribute.KeyValue
					for k, v := range map[string]string{string(sc.OperationNameKey): op, string(conventions.OpenInferenceSpanKindKey): oi,
						string(conventions.TraceloopSpanKindKey): tl, string(conventions.VercelOperationIDKey): vc} {
						if v != "" {
							kvs = append(kvs, attribute.String(k, v))
						}
					}
					for _, usage := range []bool{false, true} {
						if usage { // a model and tokens: a model call when no kind says otherwise
							kvs = append(kvs, attribute.String(string(sc.RequestModelKey), "m"), attribute.Int(string(sc.InputTokensKey), 3))
						}
						v := newAttrView(spanview.AttrsOf(kvs))
						if got, want := classify(&v), classifyByNames(&v); got != want {
							t.Fatalf("op %q, openinference %q, traceloop %q, vercel %q, usage %v: %d, by names %d", op, oi, tl, vc, usage, got, want)
						}
						n++
					}
				}
			}
		}
	}
	if n < 10_000 {
		t.Fatalf("%d combinations", n)
	}
}
