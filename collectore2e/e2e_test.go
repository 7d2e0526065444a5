package collectore2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

var base = time.Date(2025, 5, 4, 10, 0, 0, 0, time.UTC)

// TestLocal runs the distribution with local.yaml: spans written with our
// conventions and with the OTel GenAI ones become exactly the expected
// events, in order per session, and the sessions still open are ended when
// the collector shuts down.
func TestLocal(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	col := startCollector(t, collectorSpec{name: "local", config: "local.yaml", env: mindlyticsEnv(srv)})

	em := newEmitter(t, col.http)
	em.conventionSession("ours", "u-ours", base)
	em.genAISession("genai", "u-genai", base)
	em.flush(t)
	col.stop() // flushes the batch processor and the sending queue

	requireEvents(t, wantConventionSession(t, "ours", "u-ours", base), srv.SessionEvents("ours"))
	requireEvents(t, wantGenAISession(t, "genai", "u-genai", base), srv.SessionEvents("genai"))
	assert.Len(t, srv.Events(), 13, "no other events")
	assert.Empty(t, srv.Violations())
	for _, r := range srv.Requests() {
		assert.Equal(t, 200, r.Status, "%+v", r)
		assert.Contains(t, r.UserAgent, "otelcol-mindlytics/0.1.0")
	}
}

// TestLocalGenAIEventLogs sends a chat span that records only its usage
// and, as OTLP logs, the gen_ai.client.inference.operation.details event
// holding its messages: the span makes the usage event, the log record the
// turn, and the tokens count once.
func TestLocalGenAIEventLogs(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	col := startCollector(t, collectorSpec{name: "local", config: "local.yaml", env: mindlyticsEnv(srv)})

	em := newEmitter(t, col.http)
	sc := em.chatUsageSpan("logged", "u-logged", base)
	em.flush(t)
	_, err := srv.WaitForEvents(testkit.Context(t, 60*time.Second), 3) // start, conversation, usage
	require.NoError(t, err)

	postLogs(t, col.http, inferenceDetails(sc, "logged", base.Add(2*time.Second)))
	_, err = srv.WaitForEvents(testkit.Context(t, 60*time.Second), 4)
	require.NoError(t, err)
	col.stop()

	requireEvents(t, wantLoggedSession(t, "logged", "u-logged", base), srv.SessionEvents("logged"))
	assert.Empty(t, srv.Violations())
}

// TestLocalCallBeforeItsRoot: a model call is exported while the agent span
// above it, the only one with the session and user ids, still runs. The
// distribution keeps the call until the agent span comes, then sends its
// turn in the agent's session: nothing goes to a session named after the
// trace.
func TestLocalCallBeforeItsRoot(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	col := startCollector(t, collectorSpec{name: "local", config: "local.yaml", env: mindlyticsEnv(srv)})

	em := newEmitter(t, col.http)
	ctx, agent := em.tracer.Start(context.Background(), "invoke_agent support", trace.WithTimestamp(base),
		trace.WithAttributes(semconv.OperationName(semconv.GenAIOperationInvokeAgent),
			semconv.SessionID("rooted"), semconv.UserID("u-rooted")))
	em.span(ctx, semconv.ChatSpanName("gpt-4o"), base, time.Second, 2*time.Second,
		semconv.OperationName(semconv.GenAIOperationChat), semconv.ResponseModel("gpt-4o"),
		semconv.InputTokens(12), semconv.OutputTokens(5),
		semconv.TurnUser("Where is my order?"), semconv.TurnAssistant("It ships tomorrow."))
	em.flush(t)
	time.Sleep(2500 * time.Millisecond) // past the batch processor's 1 s
	assert.Empty(t, srv.Events(), "the call waits for the agent span")

	agent.End(trace.WithTimestamp(base.Add(3 * time.Second)))
	em.flush(t)
	events, err := srv.WaitForEvents(testkit.Context(t, 60*time.Second), 3) // start, conversation, turn
	require.NoError(t, err)
	for _, ev := range events {
		assert.Equal(t, "rooted", ev.SessionID, "%s", ev.Kind())
	}
	col.stop()
	assert.Empty(t, srv.Violations())
}
