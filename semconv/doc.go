// Package semconv holds the semantic conventions of mindlytics-otel: the
// attribute keys, span names and typed attribute constructors an application
// puts on its spans so that they become Mindlytics events, and the values
// of gen_ai.operation.name. The other OTel GenAI keys and the keys of other
// instrumentations (OpenLLMetry, OpenInference, Langfuse, the Vercel AI SDK)
// that the translation reads are listed in docs/CONVENTIONS.md.
//
// Standard keys are reused wherever one exists (session.id, user.id,
// device.id, gen_ai.*); mindlytics.* keys name only what nothing standard
// names. Put [SessionIDKey] (and the user or device id when known) on every
// span of a session:
//
//	span.SetAttributes(
//		semconv.SessionID("s-42"),
//		semconv.UserID("u-7"),
//		semconv.MindlyticsEvent(semconv.EventTurn),
//		semconv.TurnUser("What's the weather?"),
//		semconv.TurnAssistant("Sunny."),
//	)
//
// The reference table of every key, its type, requirement, an example and
// the Mindlytics field it feeds is README.md in this directory. It is
// generated from the tables in reference.go and checked by a test; after a
// change run `go generate ./semconv`.
package semconv

//go:generate go test -run ^TestReferenceREADME$ -update .
