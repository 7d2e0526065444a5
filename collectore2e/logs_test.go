package collectore2e

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// chatUsageSpan emits a chat call that records its model and usage but not
// its messages, as instrumentations that log the messages as events do. It
// returns the span's context, which the event records carry.
func (e *emitter) chatUsageSpan(sessionID, userID string, base time.Time) trace.SpanContext {
	ctx := e.span(context.Background(), semconv.ChatSpanName("gpt-4o-mini"), base, time.Second, 2*time.Second,
		semconv.SessionID(sessionID), semconv.UserID(userID),
		semconv.OperationName(semconv.GenAIOperationChat),
		semconv.RequestModel("gpt-4o-mini"),
		semconv.InputTokens(20),
		semconv.OutputTokens(6),
	)
	return trace.SpanContextFromContext(ctx)
}

// inferenceDetails is the gen_ai.client.inference.operation.details event
// of the chat call in sc, with its messages and (again) its usage.
func inferenceDetails(sc trace.SpanContext, sessionID string, at time.Time) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "e2e-chatbot")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("gen_ai.client.inference.operation.details")
	lr.SetTraceID(pcommon.TraceID(sc.TraceID()))
	lr.SetSpanID(pcommon.SpanID(sc.SpanID()))
	lr.SetTimestamp(pcommon.NewTimestampFromTime(at))
	_ = lr.Attributes().FromRaw(map[string]any{
		string(semconv.SessionIDKey):     sessionID,
		string(semconv.OperationNameKey): semconv.GenAIOperationChat,
		string(semconv.RequestModelKey):  "gpt-4o-mini",
		string(semconv.InputTokensKey):   20,
		string(semconv.OutputTokensKey):  6,
		string(conventions.GenAIInputMessagesKey): []any{map[string]any{"role": "user", "parts": []any{
			map[string]any{"type": "text", "content": "Translate 'hello' to French."}}}},
		string(conventions.GenAIOutputMessagesKey): []any{map[string]any{"role": "assistant", "finish_reason": "stop", "parts": []any{
			map[string]any{"type": "text", "content": "Bonjour."}}}},
	})
	return ld
}

// postLogs sends ld to a collector's OTLP/HTTP receiver as JSON.
func postLogs(t *testing.T, endpoint string, ld plog.Logs) {
	t.Helper()
	body, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	resp, err := http.Post("http://"+endpoint+"/v1/logs", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func wantLoggedSession(t *testing.T, sessionID, userID string, base time.Time) []mindlytics.Event {
	ok := testkit.Must[mindlytics.Event](t)
	at := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: sessionID, UserID: userID, Time: base.Add(d)}
	}
	return []mindlytics.Event{
		ok(mindlytics.StartSession(at(time.Second), nil)),
		ok(mindlytics.ConversationStarted(at(time.Second), sessionID, nil, nil)),
		ok(mindlytics.ConversationUsage(at(2*time.Second), sessionID, mindlytics.Usage{
			Model: "gpt-4o-mini", PromptTokens: 20, CompletionTokens: 6,
		})),
		// From the log record: the texts, the model, and no tokens (not
		// zeros), which the span already counted.
		ok(mindlytics.ConversationTurn(at(2*time.Second), sessionID, mindlytics.Turn{
			User: "Translate 'hello' to French.", Assistant: "Bonjour.", Model: "gpt-4o-mini", TokensUnknown: true,
		})),
		ok(mindlytics.ConversationEnded(at(2*time.Second), sessionID, nil, nil)),
		ok(mindlytics.EndSession(at(2*time.Second), nil)),
	}
}
