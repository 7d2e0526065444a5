package genai

import (
	"context"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// InTurn says whether the span current in ctx, made in this process, is a
// turn span (mindlytics.event=turn, a GenAI handle_conversation_turn) or
// runs inside one (mindlytics.in_turn): a model call started there is the
// turn's usage, not a turn of its own. It is what package instrument's
// processor stamps, for the apps that have no such processor.
func InTurn(ctx context.Context) bool {
	parent, ok := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan)
	if !ok {
		return false
	}
	for _, kv := range parent.Attributes() {
		switch {
		case kv.Key == conventions.InTurnKey && kv.Value.AsBool(),
			kv.Key == sc.MindlyticsEventKey && kv.Value.AsString() == string(sc.EventTurn),
			kv.Key == sc.OperationNameKey && kv.Value.AsString() == conventions.GenAIOperationHandleConversationTurn:
			return true
		}
	}
	return false
}
