// Package instrument is the Mindlytics SDK for Go, built on OpenTelemetry:
// a client makes sessions; a session tracks conversations, turns, usage,
// function calls, user-defined events, identify and alias. Every call is a
// span of our conventions (package semconv) on the client's TracerProvider,
// which the Mindlytics exporter (package exporter) turns into events, so
// one TracerProvider serves these calls and any other OpenTelemetry
// instrumentation (LLM clients, HTTP, databases) alike.
//
// # Set-up
//
//	client, err := instrument.New(ctx) // MLSDK_API_KEY, MLSDK_PROJECT_ID, MLSDK_SERVER_BASE
//	if err != nil { ... }
//	defer func() {
//		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//		defer cancel()
//		client.Shutdown(ctx) // delivers what is buffered and queued
//	}()
//
// Options win over the environment ([WithAPIKey], [WithProjectID],
// [WithServerBase], [WithClientOptions] for the wire client, e.g. a live
// URL). [WithTracerProvider] uses the application's own provider: New
// registers its processors there, and the provider's other exporters see
// every span too. [Client.TracerProvider] is what to give other
// instrumentation.
//
// # Sampling
//
// The client exports every span its provider records, sampled or not.
// Wrap the application's sampler with [Sampler] so that sampling for
// tracing never thins analytics: the spans of a session or conversation,
// and GenAI spans, that it would drop are recorded without being sampled,
// so they reach Mindlytics while the provider's other exporters see only
// the sample and the traceparent sent onwards keeps its decision:
//
//	tp := sdktrace.NewTracerProvider(
//		sdktrace.WithSampler(instrument.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01)))),
//		sdktrace.WithBatcher(tracingExporter))
//	client, err := instrument.New(ctx, instrument.WithTracerProvider(tp))
//
// The provider New builds itself samples with Sampler(ParentBased(AlwaysSample())),
// so a caller's not-sampled traceparent loses nothing either. A span of
// the hand API that an unwrapped sampler drops is recorded on the client's
// own provider instead, and [ErrSpanSampledOut] says so once: the hand
// API's spans are never lost to sampling, but spans other libraries start
// under them still follow the unwrapped sampler.
//
// # Sessions and calls
//
//	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{
//		ID: "s-42", UserID: "u-7", ConversationID: "c-1",
//	})
//	err = session.TrackTurn(ctx, instrument.Turn{User: q, Assistant: a,
//		Usage: instrument.Usage{Model: "gpt-4o", PromptTokens: 40, CompletionTokens: 9}})
//	err = session.End(ctx)
//
// Optional arguments are [CallOption]s: [At] imports past data (the event's
// timestamp), [InConversation] names a conversation when several are open,
// [WithProperties] and [WithAttributes]. Conversations are ended as they
// are started, by context; calls outside any conversation go to the
// session's default one, whose id is the session id (as in the
// translation):
//
//	cctx, err := session.StartConversation(ctx, "c-2")
//	err = session.TrackTurn(cctx, instrument.Turn{User: q, Assistant: a})
//	err = session.EndConversation(cctx)
//
// A turn may also be started before
// the answer is known:
//
//	ctx, turn, err := session.StartTurn(ctx, q)
//	answer := callTheModel(ctx, q) // the LLM client's spans are the turn's children
//	err = turn.End(instrument.Turn{Assistant: answer})
//
// Model spans made inside a started turn count as its usage (a
// "Conversation Usage" each) and never as turns of their own; tool spans
// are its function calls; so the turn is one turn and nothing counts
// twice. Usage given to End is counted only when no model span inside
// reported usage.
//
// # Errors
//
// Bad input (an empty or over-long id or name, a property value that is
// not a string, number or boolean, a turn without text, two conversations
// open and none named) is returned by the call, wrapping [ErrInvalid];
// nothing is sent. Network problems never are: calls only start and end
// spans. What the exporter cannot deliver reaches [Session.Errors] and
// [SessionConfig].OnError of its session, other errors [WithErrorHandler]
// or otel.Handle. A service that stops accepting events is told within
// seconds, once per outage, to every open session and the handler (an
// exporter.ErrorRetrying; the retries go on). [Client.Flush] returns only
// once these errors are in [Session.Errors], and returns an error when
// events were lost. [Client.Identify] and [Client.Alias], outside any session,
// are synchronous and return the service's error, as in the SDKs.
//
// # Live events
//
// With [SessionConfig].OnEvent, the service's live events of the session
// stream to the callback over a websocket that reconnects by itself, and
// MLError events go to OnError. [Session.End] waits for "Session Ended"
// (up to [SessionConfig].WaitForEnd, 30 s by default) and stops the stream.
//
// # Context, baggage and other services
//
// The session, its conversation and the started turn travel in the
// context ([ContextWithSession], [ContextWithConversation],
// [SessionFromContext]). The client's span processor stamps session.id,
// user.id, device.id and gen_ai.conversation.id on every span started in
// such a context, whoever starts it ([NewSpanProcessor] gives it to a
// provider exporting elsewhere, e.g. to a collector, whose load balancing
// routes sessions by these attributes). An LLM client (and its helper)
// called with another context, context.Background() say, makes spans of no
// session: each call becomes a one-turn session named by its trace id, and
// the error handler hears of it once (exporter.ErrorNoSession) with this fix. Across services the ids travel as
// W3C baggage: propagate it (otelhttp with
// propagation.NewCompositeTextMapPropagator(propagation.TraceContext{},
// propagation.Baggage{})), and in the called service put
// [Client.Middleware] inside otelhttp's handler: it joins the session from
// the X-Session-ID, X-Conversation-ID, X-User-ID and X-Device-ID headers
// (names configurable, [Headers]) or else from the baggage.
//
// A session is started and ended by the service that owns it: the baggage
// of [ContextWithSession] marks it owned, and a service that joins it
// through the middleware marks its own spans mindlytics.session.joined, so
// that its exporter neither starts nor ends the session, even with an
// exporter of its own. (A caller that sends only ids, such as a front end,
// sets no mark: the called service then starts the session.) Queues of two
// processes keep no order between them: flush the owner ([Client.Flush])
// after starting a session and before calling out, so that its start
// reaches Mindlytics first.
//
// # LLM-client and MCP helpers
//
// Model calls made by an LLM client library become turns and usage, and
// tool calls functions, when the library is traced on the client's
// TracerProvider ([Client.TracerProvider]) and called with the context of
// the session or turn. Each helper is a module of its own, with its one
// line of set-up:
//
//	openai-go v3     openai.NewClient(openaihelper.RequestOption())
//	go-openai        cfg.HTTPClient = goopenaihelper.HTTPClient()
//	anthropic v2     anthropic.NewClient(anthropichelper.Options()...)
//	langchaingo      h := langchaingohelper.NewHandler(…); openai.WithCallback(h)
//	eino             callbacks.AppendGlobalHandlers(einohelper.NewHandler())
//	Genkit           genkithelper.Register(client.TracerProvider())
//	Gemini (genai)   genai.ClientConfig{HTTPClient: geminihelper.HTTPClient()}
//	Bedrock          bedrockruntime.NewFromConfig(cfg, bedrockhelper.Instrument())
//	Ollama           api.NewClient(baseURL, ollamahelper.HTTPClient())
//	MCP (go-sdk)     client.AddSendingMiddleware(mcphelper.ClientMiddleware())
//	                 server.AddReceivingMiddleware(mcphelper.ServerMiddleware())
//	MCP (mcp-go)     mcpgohelper.WrapClient(c)
//	                 server.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware())
//
// Their import paths are github.com/mindlytics/mindlytics-otel/instrument/
// followed by the helper's name; each takes WithTracerProvider (pass
// [Client.TracerProvider]), WithCaptureContent and WithRedactor.
//
// # From the Python SDK
//
//	Python (mlsdk)                                   Go (instrument)
//	Client(api_key=, project_id=, server_base=)      instrument.New(ctx, WithAPIKey(..), WithProjectID(..), WithServerBase(..))
//	client.user_identify(id=, device_id=, traits=)   client.Identify(ctx, instrument.User{ID, DeviceID, Traits})
//	client.user_alias(id=, previous_id=)             client.Alias(ctx, id, previousID)
//	client.create_session(session_id=, user_id=,     client.StartSession(ctx, instrument.SessionConfig{ID, UserID,
//	    device_id=, conversation_id=, attributes=,       DeviceID, ConversationID, Attributes, Timestamp})
//	    timestamp=)
//	on_event=, on_error= (session listening)         SessionConfig.OnEvent, SessionConfig.OnError
//	session.user_identify(id=, traits=, timestamp=)  session.Identify(ctx, instrument.User{ID, Traits}, At(t))
//	session.user_alias(id=, previous_id=)            session.Alias(ctx, id, previousID)
//	session.track_event(event=, properties=,         session.Track(ctx, name, WithProperties(p), InConversation(id), At(t))
//	    conversation_id=, timestamp=)
//	session.start_conversation(conversation_id=,     session.StartConversation(ctx, id, WithProperties(p), WithAttributes(a), At(t))
//	    properties=, attributes=, timestamp=)
//	session.end_conversation(conversation_id=,       session.EndConversation(ctx, WithProperties(p), At(t)) (ctx: StartConversation's,
//	    properties=, timestamp=)                         or InConversation(id))
//	session.track_conversation_turn(user=,           session.TrackTurn(ctx, instrument.Turn{User, Assistant, AssistantID,
//	    assistant=, assistant_id=, usage=,               Usage, Properties}, InConversation(id), At(t))
//	    properties=, conversation_id=, timestamp=)
//	(no counterpart: a turn spanning model calls)    session.StartTurn(ctx, user) … turn.End(instrument.Turn{Assistant})
//	TokenBasedCost(model=, prompt_tokens=,           instrument.Usage{Model, PromptTokens, CompletionTokens}
//	    completion_tokens=)
//	Cost(cost=)                                      instrument.Usage{Cost}
//	session.track_conversation_usage(usage=)         session.TrackUsage(ctx, instrument.Usage{…}, InConversation(id), At(t))
//	session.track_function_call(name=, args=,        session.TrackFunction(ctx, instrument.Function{Name, Args, Result,
//	    result=, runtime=, properties=)                  Runtime, Properties}, At(t))
//	(decorator around a call)                        session.StartFunction(ctx, name, args) … fn.End(result, err)
//	session.end_session(attributes=, timestamp=)     session.End(ctx, WithAttributes(a), At(t))
//	session.flush()                                  session.Flush(ctx)
//	session.has_errors(), session.get_errors()       session.HasErrors(), session.Errors()
//	wait for "Session Ended" (30 s)                  session.End waits when OnEvent is set (SessionConfig.WaitForEnd)
//	async with ... as session (context manager)      ctx carries the session: ContextWithSession, SessionFromContext
//	client.shutdown() / flush at exit                client.Shutdown(ctx)
package instrument
