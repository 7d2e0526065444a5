package collectore2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// appendAgentRun appends the benchmarks' agent run n of session, at at: an
// invoke_agent span, a chat span with messages and usage under it, and an
// execute_tool span, in trace traceID.
func appendAgentRun(t *testing.T, spans ptrace.SpanSlice, traceID pcommon.TraceID, n int, session string, at time.Time) {
	add := func(id, parent byte, name string, start, end time.Duration, attrs map[string]any) {
		sp := spans.AppendEmpty()
		sp.SetTraceID(traceID)
		sp.SetSpanID(pcommon.SpanID{id, byte(n >> 16), byte(n >> 8), byte(n)})
		if parent != 0 {
			sp.SetParentSpanID(pcommon.SpanID{parent, byte(n >> 16), byte(n >> 8), byte(n)})
		}
		sp.SetName(name)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(at.Add(start)))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(at.Add(end)))
		attrs[string(semconv.SessionIDKey)] = session
		attrs[string(semconv.UserIDKey)] = "user-" + session
		require.NoError(t, sp.Attributes().FromRaw(attrs))
	}
	add(1, 0, "invoke_agent support", 0, 900*time.Microsecond, map[string]any{
		string(semconv.OperationNameKey): semconv.GenAIOperationInvokeAgent, "gen_ai.agent.name": "support",
	})
	add(2, 1, "chat gpt-4o", 100*time.Microsecond, 500*time.Microsecond, map[string]any{
		string(semconv.OperationNameKey):           semconv.GenAIOperationChat,
		string(semconv.RequestModelKey):            "gpt-4o",
		string(semconv.InputTokensKey):             120,
		string(semconv.OutputTokensKey):            40,
		string(conventions.GenAIInputMessagesKey):  `[{"role":"user","parts":[{"type":"text","content":"Where is my order #` + strconv.Itoa(n) + `?"}]}]`,
		string(conventions.GenAIOutputMessagesKey): `[{"role":"assistant","parts":[{"type":"text","content":"It ships tomorrow."}],"finish_reason":"stop"}]`,
	})
	add(3, 1, "execute_tool order_status", 600*time.Microsecond, 800*time.Microsecond, map[string]any{
		string(semconv.OperationNameKey):     semconv.GenAIOperationExecuteTool,
		string(semconv.ToolNameKey):          "order_status",
		string(semconv.ToolCallArgumentsKey): `{"order":` + strconv.Itoa(n) + `}`,
		string(semconv.ToolCallResultKey):    "shipping",
	})
}
