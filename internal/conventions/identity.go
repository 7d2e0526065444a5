package conventions

import (
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/semconv"
)

// Identity keys of other tools, read after ours (DefaultSessionKeys,
// DefaultUserKeys).
const (
	// LangfuseSessionIDKey is Langfuse's session id.
	LangfuseSessionIDKey = attribute.Key("langfuse.session.id")
	// LangfuseUserIDKey is Langfuse's user id.
	LangfuseUserIDKey = attribute.Key("langfuse.user.id")
	// VercelSessionIDKey is the Vercel AI SDK's telemetry metadata sessionId.
	VercelSessionIDKey = attribute.Key("ai.telemetry.metadata.sessionId")
	// VercelUserIDKey is the Vercel AI SDK's telemetry metadata userId.
	VercelUserIDKey = attribute.Key("ai.telemetry.metadata.userId")
	// MastraSessionIDKey and MastraUserIDKey are Mastra's, from the
	// tracingOptions metadata its users give (sessionId, userId); its OTel
	// exporter puts them on every span and nowhere else.
	MastraSessionIDKey = attribute.Key("mastra.metadata.sessionId")
	MastraUserIDKey    = attribute.Key("mastra.metadata.userId")
	// GenkitSessionIDKey is Genkit's session id, on the spans of a chat
	// session.
	GenkitSessionIDKey = attribute.Key("genkit:sessionId")
)

// DefaultSessionKeys returns the keys a session id is looked up under, in
// order: ours first. The slice is a fresh copy, free to extend.
func DefaultSessionKeys() []string {
	return []string{
		string(semconv.SessionIDKey), string(TraceloopSessionIDKey),
		string(LangfuseSessionIDKey), string(VercelSessionIDKey), string(VercelContextSessionIDKey),
		string(MastraSessionIDKey), string(GenkitSessionIDKey),
	}
}

// DefaultUserKeys returns the keys a user id is looked up under, in order.
func DefaultUserKeys() []string {
	return []string{
		string(semconv.UserIDKey), string(TraceloopUserIDKey), string(LangfuseUserIDKey),
		string(VercelUserIDKey), string(VercelContextUserIDKey), string(MastraUserIDKey), string(EnduserIDKey),
	}
}

// DefaultDeviceKeys returns the keys a device id is looked up under, in order.
func DefaultDeviceKeys() []string {
	return []string{string(semconv.DeviceIDKey)}
}
