package semconv

import (
	"fmt"
	"strings"
)

// keyDoc is one row of the reference table of our conventions.
type keyDoc struct {
	key         string
	typ         string
	requirement string
	example     string
	feeds       string // the Mindlytics field it feeds
}

// ourKeys is the reference of our conventions, rendered into README.md.
var ourKeys = []keyDoc{
	{string(SessionIDKey), "string", "required on a span of the trace: the span, an ancestor (spans wait for one still running) or another span of it; else the session fallback applies", "`s-42`", "`session_id` of every event"},
	{string(UserIDKey), "string", "one of user.id / device.id per session (else the default device id)", "`u-7`", "`user_id`; `id` of start_session and identify"},
	{string(DeviceIDKey), "string", "one of user.id / device.id per session; span or resource", "`d-1`", "`device_id`"},
	{string(ConversationIDKey), "string", "recommended (else one default conversation per session, id = session id)", "`c-9`", "`conversation_id`"},
	{string(MindlyticsEventKey), "enum: " + kindList(), "optional; decides when present", "`turn`", "which event a span becomes"},
	{string(OperationNameKey), "string", "recommended on model and tool spans", "`chat`", "classification (chat-like → turn/usage, execute_tool → function)"},
	{string(TurnUserKey), "string", "required for a turn unless messages are recorded another way", "`What's the weather?`", "`properties.user` of Conversation Turn"},
	{string(TurnAssistantKey), "string", "required for a turn unless messages are recorded another way", "`Sunny.`", "`properties.assistant` of Conversation Turn"},
	{string(AgentIDKey), "string", "optional", "`support-bot`", "`properties.assistant_id` of Conversation Turn"},
	{string(RequestModelKey), "string", "recommended", "`gpt-4o`", "`properties.model` (when no response model)"},
	{string(ResponseModelKey), "string", "recommended", "`gpt-4o-2024-08-06`", "`properties.model`"},
	{string(InputTokensKey), "int", "recommended", "`120`", "`properties.prompt_tokens`"},
	{string(OutputTokensKey), "int", "recommended", "`42`", "`properties.completion_tokens`"},
	{string(UsageCostKey), "double (USD)", "optional", "`0.0031`", "`properties.cost` (turn, or usage in place of model/tokens)"},
	{string(ToolNameKey), "string", "required for a function call", "`get_weather`", "`properties.name` of Conversation Function"},
	{string(ToolCallArgumentsKey), "string (JSON)", "optional", "`{\"city\":\"Paris\"}`", "`properties.args` of Conversation Function"},
	{string(ToolCallResultKey), "string", "optional", "`rainy, 14°C`", "`properties.result` of Conversation Function"},
	{string(EventNameKey), "string", "required for mindlytics.event=track (else the span name)", "`Checkout`", "`event` of a track event"},
	{PropertiesPrefix + "<key>", "scalar", "optional", "`mindlytics.properties.plan=pro`", "`properties.<key>` (track, turn, function, conversation start/end)"},
	{AttributesPrefix + "<key>", "scalar", "optional", "`mindlytics.attributes.channel=web`", "`attributes.<key>` (session and conversation start/end)"},
	{TraitsPrefix + "<key>", "scalar", "optional", "`mindlytics.traits.email=a@b.c`", "`traits.<key>` of identify"},
	{string(PreviousIDKey), "string", "required for mindlytics.event=alias", "`anon-3`", "`previous_id` of alias"},
	{string(ConversationAnalysisSummaryKey), "string", "optional, conversation.end", "`asked for a refund`", "`conversation_analysis.summary` of Conversation Ended"},
	{string(ConversationAnalysisSentimentKey), "string", "with the summary", "`negative`", "`conversation_analysis.sentiment` (positive, negative, neutral)"},
	{string(ConversationAnalysisCostKey), "double (USD)", "optional", "`0.0012`", "`conversation_analysis.cost` (0 when absent)"},
	{string(IntentAnalysisSummaryKey), "string", "optional, conversation.end", "`refund`", "`intent_analysis.summary` of Conversation Ended"},
	{string(IntentAnalysisSentimentKey), "string", "with the summary", "`neutral`", "`intent_analysis.sentiment` (positive, negative, neutral)"},
	{string(IntentAnalysisFulfilledKey), "string", "with the summary", "`yes`", "`intent_analysis.intent_fulfilled` (yes, no)"},
	{string(IntentAnalysisCostKey), "double (USD)", "optional", "`0.0004`", "`intent_analysis.cost` (0 when absent)"},
}

func kindList() string {
	names := make([]string, 0, len(eventKinds()))
	for _, k := range eventKinds() {
		names = append(names, "`"+string(k)+"`")
	}
	return strings.Join(names, ", ")
}

// renderReference renders README.md from the tables above.
func renderReference() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from reference.go by `go generate ./semconv`; DO NOT EDIT. -->\n\n")
	b.WriteString("# mindlytics-otel semantic conventions\n\n")
	b.WriteString("Keys an application puts on its spans so that they become Mindlytics events. ")
	b.WriteString("Standard keys are reused where one exists; `mindlytics.*` keys name the rest. ")
	b.WriteString("Typed constructors live in this package (`semconv.SessionID(\"s1\")`, `semconv.MindlyticsEvent(semconv.EventTurn)`, …).\n\n")
	b.WriteString("## Our keys\n\n")
	b.WriteString("| key | type | requirement | example | Mindlytics field |\n| --- | --- | --- | --- | --- |\n")
	for _, k := range ourKeys {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", k.key, k.typ, k.requirement, cell(k.example), k.feeds)
	}
	b.WriteString("\n## Identity look-up order\n\n")
	b.WriteString("Each id is looked up on the span, its ancestors in the trace, recently seen spans of the trace, then the resource: ")
	b.WriteString("under the keys configured (the exporter's `WithSessionIDKeys`…, the collector's `identity::session_id_keys`…), ")
	fmt.Fprintf(&b, "then ours (`%s`, `%s`, `%s`), then those of other instrumentations, ", SessionIDKey, UserIDKey, DeviceIDKey)
	b.WriteString("in the order [docs/CONVENTIONS.md](../docs/CONVENTIONS.md#identity-look-up-order) lists.\n")
	b.WriteString("\n## Other keys the translation reads\n\n")
	b.WriteString("The OTel GenAI keys beyond ours and the keys of other instrumentations (OpenLLMetry, OpenInference, the Vercel AI SDK, Langfuse) that the translation reads are listed in ")
	b.WriteString("[docs/CONVENTIONS.md](../docs/CONVENTIONS.md#otel-genai-keys-beyond-ours).\n")
	return b.String()
}

// cell keeps a table cell on one row: pipes would split it.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
