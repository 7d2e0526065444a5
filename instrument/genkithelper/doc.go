// Package genkithelper makes Mindlytics read the model and tool calls of
// Firebase Genkit for Go (github.com/firebase/genkit/go). Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/genkithelper.
//
// One call, before or after genkit.Init:
//
//	err := genkithelper.Register(client.TracerProvider()) // client: an instrument.Client
//
// # Which path, and why
//
// Genkit already traces every action it runs, on the global TracerProvider
// when that is an SDK one: model calls and tools are spans of its own
// (scope genkit-tracer) whose genkit:input and genkit:output attributes
// hold the request and response as JSON (messages, tool requests and
// responses, finish reason, usage). The helper uses those spans rather than
// Genkit's model middleware: middleware must be passed to every Generate
// call (ai.WithMiddleware) and sees no tool runs, while the spans cover
// every generate, flow, prompt and tool with no change to the app's calls.
// So Register makes the TracerProvider global (Genkit reads only the
// global one) and adds a span processor that, at the end of each of
// Genkit's model and tool action spans, makes the GenAI span of the same
// call as its child: "chat {model}" with the provider and model of the
// action's name (googleai/gemini-2.5-flash), the messages, the settings,
// the finish reason and the usage (output tokens include Genkit's
// thoughtsTokens; cachedContentTokens are the cache reads), or
// execute_tool with the tool's name, arguments and result, with the Genkit
// span's own times and the identity it was stamped with (instrument's span
// processor stamps Genkit's spans like any other). Genkit's spans
// themselves carry no GenAI keys, so the translation makes nothing of them
// and nothing counts twice. Flows, prompts and Genkit's generate loop make
// no span: they are wrappers whose usage is their model calls'.
//
// A streamed call is one model action span too: the helper's span comes at
// its end, with the whole response.
//
// # Building with it
//
// Genkit's dotprompt dependency needs github.com/invopop/jsonschema v0.13;
// anthropic-sdk-go v2 needs v0.14, with which dotprompt does not build. An
// app cannot use both, and in this repository this module is tested on its
// own graph, outside the workspace (tools/outside.sh).
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off for the helper's spans, and WithCaptureContent wins over the
// variable; WithRedactor rewrites texts before they go on them. Genkit's
// own spans keep their genkit:input and genkit:output: the Mindlytics
// exporter reads none of it, but another exporter on the same provider
// would.
package genkithelper
