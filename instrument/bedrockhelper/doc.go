// Package bedrockhelper traces the model calls of Amazon Bedrock's runtime
// client (github.com/aws/aws-sdk-go-v2/service/bedrockruntime) as
// OpenTelemetry spans that follow the GenAI semantic conventions, so that
// Mindlytics (through mindlytics-otel's exporter) sees each conversation's
// turns, token usage and tool calls. Its import path is
// github.com/mindlytics/mindlytics-otel/instrument/bedrockhelper.
//
// One client option:
//
//	client := bedrockruntime.NewFromConfig(cfg, bedrockhelper.Instrument())
//
// It adds a smithy middleware, which runs once per operation call around
// the SDK's retries, and wraps the client's HTTP client, which sees each
// attempt's bytes: a call is one span "chat {model id}" (kind client,
// gen_ai.provider.name aws.bedrock), however many attempts it takes, a
// child of the span in the call's context (call the client with the
// context of the user's turn, where package instrument puts the session).
//
//   - Converse and ConverseStream: messages (text, tool use, tool results,
//     reasoning), system prompts, inference settings, the stop reason
//     (end_turn is stop, tool_use tool_call, max_tokens length, guardrails
//     content_filter) and usage. Input tokens include the tokens read from
//     and written to the prompt cache, as the GenAI conventions count them
//     (Bedrock counts them apart); cache reads also go to
//     gen_ai.usage.cache_read.input_tokens. ConverseStream's event stream
//     is read as it passes, without changing a byte the SDK decodes; the
//     metadata event's usage is kept; a stream closed before its end, or
//     whose context ends, still ends its span (finish reason and
//     error.type "cancelled").
//   - InvokeModel: Anthropic's Messages body is read as such (messages,
//     usage with cache counts); another model family's body gives the
//     model and the token counts Bedrock puts in the answer's headers
//     (X-Amzn-Bedrock-Input-Token-Count, -Output-Token-Count), so a usage
//     event but no turn.
//
// A call that fails after its last attempt ends its span with the
// service's error code as error.type (ThrottlingException,
// ValidationException…). InvokeModelWithResponseStream and the
// bidirectional stream are not traced yet.
//
// # Content
//
// Content capture is on by default, because Mindlytics builds turns from
// message texts. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false
// turns it off, and WithCaptureContent wins over the variable; WithRedactor
// rewrites texts before they go on a span instead. Images, documents and
// video are never captured.
package bedrockhelper
