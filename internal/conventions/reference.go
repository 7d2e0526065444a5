package conventions

import (
	"fmt"
	"github.com/mindlytics/mindlytics-otel/semconv"
	"strings"
)

// keyDoc is one row of the table of other instrumentations' keys.
type keyDoc struct {
	key        string
	convention string
	feeds      string
}

// instrumentKeys lists the keys package instrument stamps for the
// translation, rendered into docs/CONVENTIONS.md.
var instrumentKeys = []keyDoc{
	{string(SessionJoinedKey), "bool, on spans whose session came from another service (baggage) or JoinSession", "no start_session, Conversation Started or end events from this process: the service that started the session ends it"},
	{string(InTurnKey), "bool, on spans started inside a turn span", "a model call there is usage, not a turn"},
	{"scope " + HelperScopePrefix + "…", "the instrumentation scope of this repository's helpers", "a helper's model-call or tool span directly under another instrumentation's span of the same call (genkithelper's under Genkit's) is that call: the helper's wins and borrows no texts (it captured what the app chose)"},
}

// genAIKeys lists the OTel GenAI keys, beyond those of package semconv,
// that the translation reads, rendered into docs/CONVENTIONS.md.
var genAIKeys = []keyDoc{
	{string(GenAIInputMessagesKey), "OTel GenAI", "turn `user` (last user message), JSON string or structured"},
	{string(GenAIOutputMessagesKey), "OTel GenAI", "turn `assistant` (output text); tool_call parts make a call tool-only"},
	{string(GenAIUsageCostAmountKey) + " / " + string(GenAIUsageCostCurrencyKey) + " / " + string(GenAIUsageCostSourceKey), "OTel GenAI (semantic-conventions-genai)", "`cost` when the currency is USD or not given (another currency is not converted: the call is priced by model, and the value reported as ignored); the source as `cost_source`"},
	{string(GenAIUsageCostKey), "Langfuse and apps (USD)", "`cost`"},
	{GenAIUsagePrefix + "{text,image,audio,video}.<count>_tokens", "OTel GenAI (semantic-conventions-genai)", "extra properties `<modality>_<count>_tokens` (`image_input_tokens`, …) beside the totals, which they are part of"},
	{string(GenAIProviderNameKey), "OTel GenAI", "classification: provider + model is a model call"},
	{string(GenAIUsageCacheReadInputTokensKey), "OTel GenAI 1.37+", "`cached_tokens` (also counted in `prompt_tokens`, as the spec says)"},
	{string(GenAIUsageCacheWriteInputTokensKey) + " / " + string(GenAIUsageCacheCreationInputTokensKey), "OTel GenAI 1.38+ / older", "`cache_write_tokens`"},
	{string(GenAIUsageReasoningOutputTokensKey), "OTel GenAI 1.38+", "`reasoning_tokens` (also counted in `completion_tokens`)"},
	{string(GenAIResponseIDKey), "OTel GenAI", "a stacked pair with the same id is one call; side by side, only when two instrumentations recorded it at once (docs/CONVENTIONS.md)"},
	{string(GenAIResponseFinishReasonsKey), "OTel GenAI", "a call that stopped for tools (`tool_calls`, `tool_call`, `tool_use`, `tool-calls`) is usage, not a turn; not sent"},
	{GenAIEvaluationResultEvent + " event: " + string(GenAIEvaluationNameKey) + " / " + string(GenAIEvaluationScoreValueKey) + " / " + string(GenAIEvaluationScoreLabelKey) + " / " + string(GenAIEvaluationExplanationKey), "OTel GenAI 1.38+",
		"a `" + EvaluationEventName + "` track event (properties `name`, `score`, `label`, `explanation`) in the span's session and conversation; `evaluations: false` skips them"},
	{string(GenAISystemInstructionsKey), "OTel GenAI 1.37+", "deliberately left: system instructions are not the user's text"},
	{string(semconv.OperationNameKey) + " = " + GenAIOperationAgentStep + " / " + GenAIOperationInvocationInternal, "OTel GenAI (agents), Vercel AI SDK 7", "wrapper: no usage of its own"},
	{string(semconv.OperationNameKey) + " = " + GenAIOperationHandleConversationTurn, "OTel GenAI (agents)", "a turn from its messages; the model calls under it are usage"},
	{string(GenAIAgentNameKey), "OTel GenAI", "`assistant_id` when no gen_ai.agent.id"},
	{string(GenAISystemKey), "OTel GenAI (deprecated)", "classification: provider + model is a model call"},
	{string(GenAIUsagePromptTokensKey), "OTel GenAI (deprecated), OpenLLMetry < 0.48", "`prompt_tokens`"},
	{string(GenAIUsageCompletionTokensKey), "OTel GenAI (deprecated), OpenLLMetry < 0.48", "`completion_tokens`"},
	{GenAIUserMessageEvent + " event: " + string(EventContentKey) + " / " + string(GenAIEventContentKey), "OTel GenAI (deprecated)", "turn `user`"},
	{GenAIChoiceEvent + " event: " + string(EventMessageKey) + " / " + string(EventContentKey) + " / " + string(GenAIEventContentKey), "OTel GenAI (deprecated)", "turn `assistant`"},
	{GenAIContentPromptEvent + " event: " + string(GenAIPromptKey), "OTel GenAI (deprecated)", "turn `user`"},
	{GenAIContentCompletionEvent + " event: " + string(GenAICompletionKey), "OTel GenAI (deprecated)", "turn `assistant`"},
	{string(EnduserIDKey), "OTel general", "`user_id`"},
}

// foreignKeys lists the keys of other instrumentations the translation
// reads, rendered into docs/CONVENTIONS.md.
var foreignKeys = []keyDoc{
	{OpenLLMetryPromptPrefix + "<N>." + OpenLLMetryRoleSuffix + " / ." + OpenLLMetryContentSuffix, "OpenLLMetry ≤ 0.54", "turn `user`"},
	{OpenLLMetryCompletionPrefix + "<N>." + OpenLLMetryRoleSuffix + " / ." + OpenLLMetryContentSuffix + " / ." + OpenLLMetryToolCallsPrefix + "<M>.name", "OpenLLMetry ≤ 0.54", "turn `assistant`; tool calls"},
	{string(TraceloopSpanKindKey), "OpenLLMetry", "`tool` → function call; workflow/task/agent → wrapper (no usage)"},
	{string(TraceloopEntityNameKey), "OpenLLMetry", "function `name` on a tool span"},
	{string(TraceloopEntityInputKey), "OpenLLMetry", "function `args` on a tool span"},
	{string(TraceloopEntityOutputKey), "OpenLLMetry", "function `result` on a tool span"},
	{string(TraceloopSessionIDKey), "OpenLLMetry", "`session_id`"},
	{string(TraceloopUserIDKey), "OpenLLMetry", "`user_id`"},
	{string(LLMRequestTypeKey), "OpenLLMetry (older)", "classification: chat/completion is a model call"},
	{string(OpenInferenceSpanKindKey), "OpenInference", "LLM → model call; TOOL → function call; AGENT/CHAIN → wrapper (no usage)"},
	{string(LLMModelNameKey), "OpenInference", "`model`"},
	{string(LLMTokenCountPromptKey), "OpenInference", "`prompt_tokens`"},
	{string(LLMTokenCountCompletionKey), "OpenInference", "`completion_tokens`"},
	{string(LLMCostTotalKey), "OpenInference", "`cost`"},
	{string(LLMTokenCountCacheReadKey) + " / " + string(LLMTokenCountCacheWriteKey), "OpenInference", "`cached_tokens` / `cache_write_tokens`"},
	{string(LLMTokenCountReasoningKey), "OpenInference", "`reasoning_tokens`"},
	{OpenInferenceInputMessagesPrefix + "<N>." + OpenInferenceRoleSuffix + " / ." + OpenInferenceContentSuffix + " / ." + OpenInferenceContentsPrefix + "<M>." + OpenInferenceContentTextSuffix, "OpenInference", "turn `user`"},
	{OpenInferenceInputMessagesPrefix + "<N>." + OpenInferenceToolCallIDSuffix, "OpenInference", "a tool result, never the user's text, whatever its role"},
	{OpenInferenceOutputMessagesPrefix + "<N>." + OpenInferenceContentSuffix + " / ." + OpenInferenceToolCallsPrefix + "<M>…", "OpenInference", "turn `assistant`; tool calls"},
	{OpenInferenceOutputMessagesPrefix + "<N>." + OpenInferenceToolCallsPrefix + "<M>." + OpenInferenceToolCallIDField + " / ." + OpenInferenceToolCallNameField + " / ." + OpenInferenceToolCallArgumentsField, "OpenInference",
		"function `args` of a tool span whose own are not a JSON object or array (the call with its id, else its tool's one call in the trace; so also `tool_call` parts of `gen_ai.output.messages` and OpenAI `tool_calls` in `output.value`)"},
	{string(InputValueKey) + " (+ " + string(InputMimeTypeKey) + ")", "OpenInference", "turn `user` on LLM spans; function `args` on TOOL spans"},
	{string(OutputValueKey) + " (+ " + string(OutputMimeTypeKey) + ")", "OpenInference", "turn `assistant` on LLM spans; function `result` on TOOL spans"},
	{string(OpenInferenceToolNameKey), "OpenInference", "function `name`"},
	{string(OpenInferenceAgentNameKey), "OpenInference", "`assistant_id` when no GenAI agent id"},
	{string(LangfuseSessionIDKey), "Langfuse", "`session_id`"},
	{string(LangfuseUserIDKey), "Langfuse", "`user_id`"},
	{string(VercelSessionIDKey), "Vercel AI SDK 5, 6", "`session_id`"},
	{string(VercelUserIDKey), "Vercel AI SDK 5, 6", "`user_id`"},
	{string(VercelContextSessionIDKey), "Vercel AI SDK 7 (runtime context)", "`session_id`; ai 7 puts it on root and step spans only, the trace carries it to the rest"},
	{string(VercelContextUserIDKey), "Vercel AI SDK 7 (runtime context)", "`user_id`"},
	{string(MastraSessionIDKey) + " / " + string(MastraUserIDKey), "Mastra (tracingOptions metadata)", "`session_id` / `user_id`"},
	{string(GenkitSessionIDKey), "Genkit", "`session_id`"},
	{string(GenkitSubtypeKey), "Genkit", "`" + GenkitSubtypeModel + "` → model call; `tool` / `" + GenkitSubtypeToolV2 + "` → function call; `" + GenkitSubtypeFlow + "` → wrapper; `util` (generate, which repeats its model action's response) and helpers make no event"},
	{string(GenkitNameKey), "Genkit", "`model`: a model action's name less its provider (`openai/gpt-5-mini` → `gpt-5-mini`) when the response names none; function `name` of a tool action"},
	{string(GenkitInputKey), "Genkit", "a model action's request JSON (`{messages: [{role, content: [{text} / {toolRequest} / {toolResponse}]}]}`): turn `user` (last user message); function `args` of a tool action"},
	{string(GenkitOutputKey), "Genkit", "a model action's response JSON: turn `assistant` (`message`; a `toolRequest` part makes the call usage), `usage.inputTokens` → `prompt_tokens`, `outputTokens` → `completion_tokens` (plus `thoughtsTokens` only when `totalTokens` holds them apart, as Gemini counts), `cachedContentTokens` → `cached_tokens`, `thoughtsTokens` → `reasoning_tokens`, `custom.id` / `custom.model` → response id / `model`; function `result` of a tool action (a `" + GenkitSubtypeToolV2 + "` action's `{output: …}` unwrapped)"},
	{string(GenkitThreadNameKey), "Genkit", "deliberately left: a thread's name (`main`) names a conversation only within its session, so the session's default conversation is used"},
	{string(MastraModelStepInputKey) + " / " + string(MastraModelGenerationInputKey) + " / " + string(MastraAgentRunInputKey), "Mastra", "turn `user` of a model call under them that has no input messages (the nearest ancestor's)"},
	{string(MastraReasoningTokensKey), "Mastra", "`reasoning_tokens`"},
	{string(VercelOperationIDKey), "Vercel AI SDK 5–7", "`ai.generateText`/`ai.streamText`/… → wrapper (its usage sums the steps: never counted); `…doGenerate`/`…doStream` → model call; `ai.toolCall` → function call"},
	{string(VercelPromptMessagesKey), "Vercel AI SDK 5–7", "turn `user` (last user message)"},
	{string(VercelResponseTextKey), "Vercel AI SDK 5–7", "turn `assistant`"},
	{string(VercelResponseToolCallsKey), "Vercel AI SDK 5–7", "a step that calls tools is usage, not a turn"},
	{string(VercelResponseModelKey) + " / " + string(VercelModelIDKey), "Vercel AI SDK 5–7", "`model` (when no gen_ai model)"},
	{string(VercelUsageInputTokensKey) + " / " + string(VercelUsagePromptTokensKey), "Vercel AI SDK 6+ / 4–5", "`prompt_tokens` (when no gen_ai.usage)"},
	{string(VercelUsageOutputTokensKey) + " / " + string(VercelUsageCompletionTokensKey), "Vercel AI SDK 6+ / 4–5", "`completion_tokens` (when no gen_ai.usage)"},
	{string(VercelUsageCachedInputTokensKey) + " / " + string(VercelUsageCacheReadTokensKey), "Vercel AI SDK 5 / 6+", "`cached_tokens`"},
	{string(VercelUsageReasoningTokensKey) + " / " + string(VercelUsageOutputReasoningTokensKey), "Vercel AI SDK 5 / 6+", "`reasoning_tokens`"},
	{string(VercelToolCallNameKey) + " / " + string(VercelToolCallArgsKey) + " / " + string(VercelToolCallResultKey), "Vercel AI SDK 5–7", "function `name`, `args`, `result`"},
	{string(GenAIToolCallIDKey) + " / " + string(VercelToolCallIDKey), "OTel GenAI / Vercel AI SDK", "the tool span's call id: a run a later model call's input answers is not made a second function"},
	{string(OpenInferenceMetadataKey) + " (JSON object: session_id / sessionId, user_id / userId)", "OpenInference (LangChain run metadata)", "`session_id` / `user_id` when no key above names them"},
	{"input tokens of " + strings.Join(InputExcludesCacheScopes, ", "), "OpenLLMetry (JS) on Anthropic", "`prompt_tokens` adds the cache reads and writes the count leaves out (so does any count smaller than its own cache counts)"},
	{string(AnthropicToolResultContentKey), "Anthropic TypeScript SDK 1.x", "function `result` (its text blocks' text)"},
}

// The markers of the section of docs/CONVENTIONS.md that renderReference
// writes.
const (
	referenceBegin = "<!-- BEGIN generated by internal/conventions (go generate ./internal/conventions); DO NOT EDIT. -->"
	referenceEnd   = "<!-- END generated by internal/conventions -->"
)

// renderReference renders the identity look-up order and the table of
// other instrumentations' keys, between the markers.
func renderReference() string {
	var b strings.Builder
	b.WriteString(referenceBegin + "\n\n")
	b.WriteString("### Identity look-up order\n\n")
	b.WriteString("Each id is looked up on the span, its ancestors in the trace, recently seen spans of the trace, then the resource, ")
	b.WriteString("under the configured keys and then these, in order:\n\n")
	fmt.Fprintf(&b, "- session id: %s\n", codeList(DefaultSessionKeys()))
	fmt.Fprintf(&b, "- user id: %s\n", codeList(DefaultUserKeys()))
	fmt.Fprintf(&b, "- device id: %s\n", codeList(DefaultDeviceKeys()))
	b.WriteString("\n### Keys package instrument stamps\n\n")
	b.WriteString("Set by instrument's span processor, read by the translation; applications do not write them:\n\n")
	b.WriteString("| key | type, where | feeds |\n| --- | --- | --- |\n")
	for _, k := range instrumentKeys {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.key, k.convention, k.feeds)
	}
	b.WriteString("\n### OTel GenAI keys beyond ours\n\n")
	b.WriteString("Beyond the keys of [semconv/README.md](../semconv/README.md), the translation reads these OTel keys:\n\n")
	b.WriteString("| key | convention | feeds |\n| --- | --- | --- |\n")
	for _, k := range genAIKeys {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.key, k.convention, k.feeds)
	}
	b.WriteString("\n### Keys of other instrumentations\n\n")
	b.WriteString("Beyond ours and the OTel keys above, the translation reads:\n\n")
	b.WriteString("| key | convention | feeds |\n| --- | --- | --- |\n")
	for _, k := range foreignKeys {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.key, k.convention, k.feeds)
	}
	b.WriteString("\n" + referenceEnd)
	return b.String()
}

func codeList(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = "`" + k + "`"
	}
	return strings.Join(quoted, ", ")
}
