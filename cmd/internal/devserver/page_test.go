package devserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

var pageT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// sendAgentTurns sends, over OTLP, turns of an agent that calls a tool:
// each a trace of invoke_agent → chat (asks for the tool) → execute_tool →
// chat (answers), with an HTTP span beside; then the session's end.
func sendAgentTurns(t *testing.T, srvURL, session string, questions ...string) {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(srvURL+"/v1/traces"))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tr := tp.Tracer("page-test")
	ids := []attribute.KeyValue{sc.SessionID(session), sc.UserID("page-user")}
	at := func(s int) trace.SpanEventOption {
		return trace.WithTimestamp(pageT0.Add(time.Duration(s) * time.Second))
	}
	msgs := func(role, text string) string {
		return `[{"role":"` + role + `","parts":[{"type":"text","content":"` + text + `"}]}]`
	}
	for i, q := range questions {
		base := i * 100
		actx, agent := tr.Start(ctx, "invoke_agent support", at(base), trace.WithAttributes(append(ids, sc.OperationName(sc.GenAIOperationInvokeAgent))...))
		_, httpSpan := tr.Start(actx, "GET /orders/1234", at(base+1))
		httpSpan.End(at(base + 2))
		_, ask := tr.Start(actx, sc.ChatSpanName("gpt-4o"), at(base+3), trace.WithAttributes(
			sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"), sc.InputTokens(30), sc.OutputTokens(5),
			attribute.String("gen_ai.input.messages", msgs("user", q)),
			attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"lookup_order","arguments":{"id":1234}}],"finish_reason":"tool_call"}]`)))
		ask.End(at(base + 4))
		_, tool := tr.Start(actx, sc.ExecuteToolSpanName("lookup_order"), at(base+5), trace.WithAttributes(
			sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("lookup_order"), sc.ToolCallArguments(`{"id":1234}`), sc.ToolCallResult("shipped")))
		tool.End(at(base + 6))
		_, answer := tr.Start(actx, sc.ChatSpanName("gpt-4o"), at(base+7), trace.WithAttributes(
			sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(9),
			attribute.String("gen_ai.input.messages", msgs("user", q)),
			attribute.String("gen_ai.output.messages", msgs("assistant", "It shipped."))))
		answer.End(at(base + 8))
		agent.End(at(base + 9))
	}
	_, end := tr.Start(ctx, conventions.SpanNameSessionEnd, at(len(questions)*100), trace.WithAttributes(append(ids, sc.MindlyticsEvent(sc.EventSessionEnd))...))
	end.End(at(len(questions) * 100))
	require.NoError(t, tp.Shutdown(ctx))
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// One session as the page is given it: the tool and model calls of each
// turn nested under it in the order they happened, the conversation
// before "Session ended", and each turn's spans as a tree where every span
// says what it became or why it made nothing.
func TestSessionAnswerNestsCallsAndTracesTurns(t *testing.T) {
	srv := newServer(t)
	sendAgentTurns(t, srv.URL(), "agent-1", "Where is order 1234?", "And order 1234 again?")

	var s devserver.SessionView
	getJSON(t, srv.URL()+"/ui/api/session/agent-1", &s)
	assert.False(t, s.Open, "ended")
	require.Len(t, s.Conversations, 1)
	var kinds []string
	for _, p := range s.Timeline {
		if p.Kind == "conversation" {
			kinds = append(kinds, "conversation")
		} else {
			kinds = append(kinds, s.Items[p.Index].Kind)
		}
	}
	assert.Equal(t, []string{"start", "conversation", "end"}, kinds, "Session ended after the conversation it closed")

	items := s.Conversations[0].Items
	var top []string
	for _, it := range items {
		top = append(top, it.Kind)
	}
	assert.Equal(t, []string{"conversation_start", "turn", "turn", "conversation_end"}, top, "calls are under their turns")
	for i, turn := range []devserver.Item{items[1], items[2]} {
		var calls []string
		for _, c := range turn.Calls {
			calls = append(calls, c.Kind+" "+c.Time)
		}
		base := pageT0.Add(time.Duration(i*100) * time.Second)
		assert.Equal(t, []string{
			"usage " + base.Add(4*time.Second).Format("2006-01-02T15:04:05.000000Z"),
			"function " + base.Add(6*time.Second).Format("2006-01-02T15:04:05.000000Z"),
		}, calls, "turn %d: its calls in the order they happened", i)

		rows := map[string]devserver.TraceRow{}
		var names []string
		for _, r := range turn.Trace {
			rows[r.Name] = r
			names = append(names, r.Name)
		}
		assert.Equal(t, []string{"invoke_agent support", "GET /orders/1234", "chat gpt-4o", "execute_tool lookup_order", "chat gpt-4o"}, names, "the tree, children by start")
		require.Len(t, turn.Trace, 5)
		assert.Equal(t, 0, turn.Trace[0].Depth)
		assert.Equal(t, 1, turn.Trace[1].Depth)
		assert.InDelta(t, 9000, turn.Trace[0].DurationMs, 0.001)
		assert.InDelta(t, 5000, turn.Trace[3].OffsetMs, 0.001)
		assert.Equal(t, devserver.OutcomeNone, rows["invoke_agent support"].Outcome)
		assert.Contains(t, rows["invoke_agent support"].Why, "wrapper")
		assert.Contains(t, rows["GET /orders/1234"].Why, "not a span that makes an event")
		assert.Contains(t, turn.Trace[2].Made, "Conversation Usage", "(the first also opened the session)")
		assert.Equal(t, []string{"Conversation Function"}, turn.Trace[3].Made)
		assert.Contains(t, turn.Trace[4].Made, "Conversation Turn")
	}
}

// The session list: newest first, searchable, filtered, paged by cursor.
func TestSessionsAnswerSearchesAndPages(t *testing.T) {
	srv := newServer(t)
	sendAgentTurns(t, srv.URL(), "older", "Where is order 1234?")
	sendAgentTurns(t, srv.URL(), "newer", "Can I pay by invoice?")

	var p devserver.Page
	getJSON(t, srv.URL()+"/ui/api/sessions?limit=1", &p)
	require.Len(t, p.Sessions, 1)
	assert.Equal(t, 2, p.Total)
	assert.Equal(t, "newer", p.Sessions[0].ID, "both start at the same time: by id")
	require.NotEmpty(t, p.Next)
	getJSON(t, srv.URL()+"/ui/api/sessions?limit=1&cursor="+url.QueryEscape(p.Next), &p)
	require.Len(t, p.Sessions, 1)
	assert.Equal(t, "older", p.Sessions[0].ID)
	assert.Empty(t, p.Next)

	getJSON(t, srv.URL()+"/ui/api/sessions?q=INVOICE", &p)
	require.Len(t, p.Sessions, 1, "search reads the turns' texts")
	assert.Equal(t, "newer", p.Sessions[0].ID)
	getJSON(t, srv.URL()+"/ui/api/sessions?filter=open", &p)
	assert.Empty(t, p.Sessions)

	resp, err := http.Get(srv.URL() + "/ui/api/sessions?filter=nonsense")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, err = http.Get(srv.URL() + "/ui/api/session/no-such")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, err = http.Get(srv.URL() + "/favicon.ico")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
