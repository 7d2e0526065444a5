package conventions

import "go.opentelemetry.io/otel/attribute"

// HelperScopePrefix begins the instrumentation scope of every helper of
// this repository (instrument/openaihelper, …): their spans carry what
// the application chose to capture.
const HelperScopePrefix = "github.com/mindlytics/mindlytics-otel/instrument/"

// Keys that package instrument's span processor stamps and the translation
// reads: plumbing between the two, not for applications, which say the
// same with instrument's API (a turn span, JoinSession, W3C baggage).
const (
	// InTurnKey marks a span that runs inside a turn span (instrument's
	// span processor stamps it): a model call there is the turn's usage,
	// never a turn of its own, even when its spans are exported before the
	// turn's.
	InTurnKey = attribute.Key("mindlytics.in_turn")
	// SessionJoinedKey marks a span of a session that another service
	// started and will end (instrument's span processor stamps it on spans
	// whose session came in W3C baggage): the translation of this process
	// neither starts nor ends that session or its conversations.
	SessionJoinedKey = attribute.Key("mindlytics.session.joined")
)

// InTurn marks a span as running inside a turn span ([InTurnKey]).
func InTurn() attribute.KeyValue { return InTurnKey.Bool(true) }

// SessionJoined marks a span of a session another service owns
// ([SessionJoinedKey]).
func SessionJoined() attribute.KeyValue { return SessionJoinedKey.Bool(true) }

// Span names package instrument gives the spans of our conventions. Names
// are for people reading traces: the translation goes by attributes, never
// by names.
const (
	// SpanNameSessionStart names a span carrying mindlytics.event=session.start.
	SpanNameSessionStart = "mindlytics.session.start"
	// SpanNameSessionEnd names a span carrying mindlytics.event=session.end.
	SpanNameSessionEnd = "mindlytics.session.end"
	// SpanNameConversationStart names a conversation.start span.
	SpanNameConversationStart = "mindlytics.conversation.start"
	// SpanNameConversationEnd names a conversation.end span.
	SpanNameConversationEnd = "mindlytics.conversation.end"
	// SpanNameIdentify names an identify span.
	SpanNameIdentify = "mindlytics.identify"
	// SpanNameAlias names an alias span.
	SpanNameAlias = "mindlytics.alias"
)

// TrackSpanName names the span of the user-defined event name.
func TrackSpanName(name string) string { return "mindlytics.track " + name }
