// Package langchaingohelper traces github.com/tmc/langchaingo (v0.1.14) as
// OpenTelemetry spans that follow the GenAI semantic conventions, so that
// Mindlytics (through mindlytics-otel's exporter) sees each conversation's
// turns, token usage and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper.
//
// NewHandler returns a callbacks.Handler; give it to the model, the agent
// executor and the tools you want traced:
//
//	h := langchaingohelper.NewHandler(langchaingohelper.WithModel("gpt-4o"))
//	llm, _ := openai.New(openai.WithModel("gpt-4o"), openai.WithCallback(h))
//	exec := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))
//
// Every model call becomes a span "chat {model}" (kind client) with the
// operation, provider, model, token usage (cached and reasoning tokens
// included when langchaingo has them; no counts at all when it reports 0
// and 0, as for a stream whose server sent no usage), finish reasons and, unless
// content capture is off, the input and output messages and system
// instructions as GenAI message JSON. A tool call becomes "execute_tool
// {name}" with the tool's name, call id, arguments and result; a chain (the
// agent executor is one) becomes an "invoke_agent" span, which carries no
// usage. Call langchaingo with the context of the user's turn (package
// instrument puts the session there) and the spans join that session. A
// call made with another context (context.Background()) becomes a one-turn
// session of its own, said once to the exporter's error handler
// (exporter.ErrorNoSession).
//
// # One turn per question
//
// An agent answers one question with several model calls, whose prompts
// are the agent's (a ReAct agent's template with the question and the
// scratchpad inside) and whose steps may all have text. So the outermost
// chain run on a question (inputs["input"], as langchaingo's executor and
// agents take it) is the turn: its span carries mindlytics.event=turn, the
// question and the answer (outputs["output"]) as its messages, and the
// model calls inside it are its usage (mindlytics.in_turn), each counted
// once. A chain that fails, or gives no answer, makes no turn: its calls
// stay usage. Inside a turn of your own (package instrument's, or a span
// with mindlytics.event=turn), your turn is the turn and the run makes
// none. A model called outside any chain is a turn of its own, as with
// the client helpers.
//
// # Pairing starts and ends
//
// langchaingo's callbacks return no context, so the handler cannot hand a
// span down. It keeps a stack of open spans per context: an end callback
// ends the innermost open span of its kind in the stack of the context it
// receives (or, for a context langchaingo derived, of the stack whose
// parent span is the same). langchaingo's OpenAI model reports no error
// callback: a model span left open ends, with status Error, when its chain
// ends or fails, when the next model call of the same context starts, or
// when the call's context ends. Calls made concurrently with one and the
// same context cannot be told apart; give each its own context.
//
// # Streams and cancellation
//
// A streamed call (llms.WithStreamingFunc) makes the same span as one that
// is not. When the call's context ends first, its span ends with finish
// reason "cancelled", error.type "cancelled" (or "timeout") and status
// Error: langchaingo then returns what had arrived as if it were complete,
// or its error without a callback. A stream the caller abandons (its
// streaming func returns an error) also gets no callback, and its span ends
// in one of the ways above, usually when the request's context ends.
// Mindlytics makes no turn of a model call with status Error, whatever
// text had arrived: only usage of the tokens it reported, and nothing when
// it reported none.
//
// # The caller's view
//
// The handler only receives langchaingo's callbacks: it never touches HTTP,
// nor the requests, responses or stream chunks langchaingo hands the
// caller, which are the same byte for byte with and without it.
//
// # Models already traced
//
// The HTTP client under the model may be traced too, by one of our helpers
// (instrument/goopenaihelper's transport, given with openai.WithHTTPClient).
// Each call then counts once: the transport's span becomes a child of the
// handler's model span (the handler registers it for the call's context,
// since langchaingo's callbacks cannot hand it down), and Mindlytics merges
// the two, with the transport's model, usage and token details. This
// needs the request to run with the callback's context, or one derived
// from it (the HTTP client's Timeout) while no other call under the same
// span is open. Pass WithLLMSpans(false) to keep only the transport's
// span: the handler then makes tool and chain spans only. The handler also
// makes no model span when the span current in the callback's context
// comes from one of our model-client helpers.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable. Turned off,
// no message text, tool argument or tool result leaves the process, and
// Mindlytics gets only usage events (model and tokens of each call): no
// turns, no user or assistant text.
// WithRedactor rewrites texts before they go on a span instead.
package langchaingohelper
