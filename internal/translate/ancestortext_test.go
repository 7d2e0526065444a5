package translate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// A model call that answered but carries no input messages takes the
// user's words from its nearest ancestor that has them.
func TestModelCallTakesTheUserTextOfItsAncestor(t *testing.T) {
	answerOnly := chatAttrs(30, 5, conventions.GenAIOutputMessagesKey.String(assistantJSON))
	for _, tc := range []struct {
		name     string
		ancestor []attribute.KeyValue
		want     string // the turn's user text; "" for usage
	}{
		{"GenAI input messages on the agent", []attribute.KeyValue{conventions.GenAIInputMessagesKey.String(userJSON)}, "Hi"},
		{"a step's message list (Mastra)", []attribute.KeyValue{conventions.MastraModelStepInputKey.String(`[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello there"}]`)}, "Hello there"},
		{"a run's plain input (Mastra)", []attribute.KeyValue{conventions.MastraAgentRunInputKey.String("Plain words")}, "Plain words"},
		{"no ancestor has the user's words", []attribute.KeyValue{sc.OperationName(sc.GenAIOperationInvokeAgent)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := append([]attribute.KeyValue{sc.SessionID("s"), sc.UserID("u"), sc.OperationName(sc.GenAIOperationInvokeAgent)}, tc.ancestor...)
			evs, errs := translateSpans(t, nil, recordSpans(t, nil,
				root("invoke_agent bot", 0, 3*time.Second, attrs...),
				child(0, "step", 0, 2*time.Second, sc.OperationName("agent_step")),
				child(1, "chat gpt-4o", 0, time.Second, answerOnly...)))
			require.Empty(t, errs)
			m := modelEvents(evs)
			require.Len(t, m, 1)
			if tc.want == "" {
				assert.Equal(t, mindlytics.EventConversationUsage, m[0].Event)
				return
			}
			assert.Equal(t, mindlytics.EventConversationTurn, m[0].Event)
			assert.Equal(t, tc.want, m[0].Properties["user"])
			assert.Equal(t, "Hello!", m[0].Properties["assistant"])
			assert.Equal(t, int64(30), m[0].Properties["prompt_tokens"])
		})
	}
}
