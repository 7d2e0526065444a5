// Package translate turns OpenTelemetry spans into Mindlytics events. Both
// front doors use it: the in-process sdktrace.SpanExporter views its spans
// with [FromReadOnlySpans], the collector exporter with [FromTraces]; then
// one call per batch,
//
//	events, errs := translator.Translate(spans)
//
// gives the events to send, in order, and one [*SpanError] per span that
// could not be translated. A [Translator] is safe for concurrent use. Call
// [Translator.Expire] periodically to end idle conversations and sessions
// and [Translator.EndAll] at shutdown.
//
// A [Config] sets the identity key lists, the session fallback, the default
// device id, idle timeouts, caps and the string limit; its zero value gives
// the defaults.
//
// The span view ([Span], [Attrs], [Value]) reads the source span in place:
// strings, numbers, booleans, byte strings, slices and maps, from either
// representation, through one set of rules.
//
// # Rules
//
// Identity. The session, user and device ids are looked up under ordered
// key lists (ours first, then OpenLLMetry's, Langfuse's, the Vercel AI
// SDK's, enduser.id; see [Config].SessionKeys); the conversation id under
// gen_ai.conversation.id and the assistant id under gen_ai.agent.id,
// gen_ai.agent.name, agent.name. Each field is taken from the first of: the
// span's own attributes; its nearest ancestor in the batch that has it; the
// earliest-starting span of its trace in the batch that has it; the trace
// cache (identities of traces seen in earlier batches, bounded and expiring:
// [Config].TraceCacheSize, TraceCacheTTL); the span's resource (session,
// user and device only). Span attributes of the trace come before the
// resource because they are specific to the trace while the resource is
// process-wide. The spans of a trace with no session yet wait for an
// ancestor still to come ([Config].AncestorWait, held.go). A span still
// without a session gets one from the [SessionFallback] (default: its trace
// id), and an event with neither user nor device id gets the default device
// id ([Config].DefaultDeviceID), because Mindlytics needs one of the two.
//
// Classification. mindlytics.event decides when present (an unknown value is
// an error). Otherwise tool spans (gen_ai.operation.name=execute_tool,
// OpenInference TOOL, OpenLLMetry traceloop.span.kind=tool) are function
// calls, with runtime = span duration; agent and workflow wrappers
// (invoke_agent, create_agent, invoke_workflow, OpenInference AGENT and
// CHAIN, OpenLLMetry workflow, task and agent) make no event, so the usage
// they repeat from their children is never counted twice; model calls
// (chat, text_completion, generate_content, OpenInference LLM, OpenLLMetry
// llm.request.type chat/completion, mindlytics.turn.user with
// mindlytics.turn.assistant, a model with token counts, or a model with a
// provider and no operation) are turns or usage. Other spans make no
// event.
//
// Turns. A model call whose input holds a user message and whose output
// holds assistant text, and which asks for no tool, is a "Conversation
// Turn" carrying the model, token counts, cost and assistant id. A call whose
// output asks for tools (with or without some text) is not the answer yet:
// it becomes "Conversation Usage", as does a call whose texts were not
// recorded. The user text is the last user message with text, the assistant
// text the first output message with text; texts come from the first of
// these that has them: mindlytics.turn.user/.assistant;
// gen_ai.input.messages/gen_ai.output.messages (JSON string or structured;
// text parts joined by newlines, tool_call parts marking tool calls); the
// deprecated span events gen_ai.user.message, gen_ai.choice,
// gen_ai.content.prompt, gen_ai.content.completion; OpenLLMetry's
// gen_ai.prompt.N.* / gen_ai.completion.N.*; OpenInference's
// llm.input_messages.N.* / llm.output_messages.N.*; OpenInference's
// input.value / output.value. Usage carries a known cost
// (mindlytics.usage.cost, llm.cost.total) when there is one, else the model
// and token counts for the service to price: never both, so no cost counts
// twice. Model: gen_ai.response.model, gen_ai.request.model, llm.model_name.
// Tokens: gen_ai.usage.input_tokens/output_tokens, the deprecated
// prompt_tokens/completion_tokens, llm.token_count.prompt/completion.
//
// Conversations. gen_ai.conversation.id names the conversation (inherited
// through the trace like the identity). Without one, a session has one
// default conversation whose id is the session id: deterministic, unique and
// within the 100-character limit whatever instance translates the session.
//
// Lifecycle. start_session comes before the first event of a session the
// translator has not seen (also before an explicit session.end of one),
// "Conversation Started" likewise; explicit session.start and
// conversation.start spans make the start when they come first (with their
// mindlytics.attributes.* and properties) and nothing when the start was
// already made. An explicit session.end ends the session's open
// conversations first. Open sessions and conversations are capped
// ([Config].MaxOpenSessions, MaxOpenConversations); reaching a cap ends
// the least recently active one. A session or conversation that saw no span
// for its idle timeout, measured on the translator's clock, is ended by
// [Translator.Expire]. Something ended and seen again starts anew.
//
// Times. Turns, usage, function calls, track, identify, alias and explicit
// ends take the span's end time; explicit starts, and the starts made for a
// new session or conversation, the span's start time. Ends made by Expire,
// EndAll or a cap take the last activity time of what they end (for Expire
// and EndAll never later than the time they are given). Within a
// batch, events are sorted by time (starts first and ends last at equal
// times), so each session's events come out in timestamp order.
//
// Values. Properties, attributes and traits (mindlytics.properties.*,
// mindlytics.attributes.*, mindlytics.traits.*) keep strings, numbers and
// booleans; other values are JSON-encoded (non-finite numbers become
// strings). Strings (texts, arguments, results, properties) longer than
// [Config].MaxStringLength characters are cut, never inside a character,
// and end with [TruncationMark]. Ids are never cut: an id over 100 characters drops
// its span with an error.
package translate
