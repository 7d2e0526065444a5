package instrument_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// otherCode is what an LLM client and a tool framework do inside a turn:
// a chat span with its messages and usage, and an execute_tool span, on a
// tracer of their own.
func otherCode(ctx context.Context, tp trace.TracerProvider, base time.Time) {
	tr := tp.Tracer("some-llm-client")
	_, llm := tr.Start(ctx, "chat gpt-4o", trace.WithTimestamp(base.Add(100*time.Millisecond)), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o")))
	llm.SetAttributes(
		sc.ResponseModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(9),
		attribute.String(string(conventions.GenAIInputMessagesKey), `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`),
		attribute.String(string(conventions.GenAIOutputMessagesKey), `[{"role":"assistant","parts":[{"type":"text","content":"Sunny, 21°C."}]}]`),
	)
	llm.End(trace.WithTimestamp(base.Add(200 * time.Millisecond)))
	_, tool := tr.Start(ctx, "execute_tool weather", trace.WithTimestamp(base.Add(300*time.Millisecond)), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("weather"), sc.ToolCallArguments(`{"city":"Paris"}`)))
	tool.SetAttributes(sc.ToolCallResult("sunny"))
	tool.End(trace.WithTimestamp(base.Add(420 * time.Millisecond)))
}

func turnWithOtherCodeWant(t *testing.T) []mindlytics.Event {
	ev := must(t)
	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-t", UserID: "u-t", Time: at(d)}
	}
	return []mindlytics.Event{
		ev(mindlytics.StartSession(id(0), nil)),
		// Synthesized before the conversation's first event (the usage), at
		// that span's start.
		ev(mindlytics.ConversationStarted(id(100*time.Millisecond), "c-t", nil, nil)),
		ev(mindlytics.ConversationUsage(id(200*time.Millisecond), "c-t", mindlytics.Usage{Model: "gpt-4o", PromptTokens: 40, CompletionTokens: 9})),
		ev(mindlytics.ConversationFunction(id(420*time.Millisecond), "c-t", mindlytics.FunctionCall{
			Name: "weather", Args: `{"city":"Paris"}`, Result: "sunny", Runtime: 120 * time.Millisecond,
		})),
		ev(mindlytics.ConversationTurn(id(500*time.Millisecond), "c-t", mindlytics.Turn{
			User: "Weather in Paris?", Assistant: "Sunny, 21°C.", AssistantID: "weather-bot",
		})),
	}
}

// A started turn with an LLM span and a tool span made inside it by other
// code: one turn, one function call, the usage once (the LLM span's, not
// also the turn's, and the LLM span is not a second turn).
func TestStartedTurnWithOtherCodeInside(t *testing.T) {
	srv, c := setup(t)
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-t", UserID: "u-t", ConversationID: "c-t", Timestamp: at(0)})
	require.NoError(t, err)
	tctx, turn, err := s.StartTurn(ctx, "Weather in Paris?", instrument.At(at(0)))
	require.NoError(t, err)
	otherCode(tctx, c.TracerProvider(), at(0))
	require.NoError(t, turn.End(instrument.Turn{
		Assistant: "Sunny, 21°C.", AssistantID: "weather-bot",
		Usage: instrument.Usage{Model: "gpt-4o", PromptTokens: 40, CompletionTokens: 9}, // reported by the LLM span already
	}, instrument.At(at(500*time.Millisecond))))
	require.ErrorIs(t, turn.End(instrument.Turn{Assistant: "again"}), instrument.ErrInvalid)
	requireEvents(t, turnWithOtherCodeWant(t), flushed(t, c, srv))
}

// Without model spans inside, the usage given to End goes on the turn.
func TestStartedTurnUsageOnEnd(t *testing.T) {
	srv, c := setup(t)
	ev := must(t)
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-u", DeviceID: "d-1", Timestamp: at(0)})
	require.NoError(t, err)
	_, turn, err := s.StartTurn(ctx, "hi", instrument.At(at(0)))
	require.NoError(t, err)
	require.ErrorIs(t, turn.End(instrument.Turn{}), instrument.ErrInvalid, "no assistant text: the turn stays open")
	require.NoError(t, turn.End(instrument.Turn{Assistant: "hello", Usage: instrument.Usage{Cost: 0.01}}, instrument.At(at(time.Second))))
	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-u", DeviceID: "d-1", Time: at(d)}
	}
	requireEvents(t, []mindlytics.Event{
		ev(mindlytics.StartSession(id(0), nil)),
		ev(mindlytics.ConversationStarted(id(0), "s-u", nil, nil)),
		ev(mindlytics.ConversationTurn(id(time.Second), "s-u", mindlytics.Turn{User: "hi", Assistant: "hello", Cost: 0.01})),
	}, flushed(t, c, srv))
}

// A function call as a span around the call: runtime is its duration, a
// failure its error property.
func TestStartedFunction(t *testing.T) {
	srv, c := setup(t)
	ev := must(t)
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-f", UserID: "u-f", ConversationID: "c-f", Timestamp: at(0)})
	require.NoError(t, err)
	_, fn, err := s.StartFunction(ctx, "charge", `{"eur":5}`, instrument.At(at(time.Second)))
	require.NoError(t, err)
	require.NoError(t, fn.End("", context.DeadlineExceeded, instrument.At(at(time.Second+250*time.Millisecond))))
	require.ErrorIs(t, fn.End("ignored", nil), instrument.ErrInvalid, "ended twice, as a turn ended twice")
	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-f", UserID: "u-f", Time: at(d)}
	}
	requireEvents(t, []mindlytics.Event{
		ev(mindlytics.StartSession(id(0), nil)),
		ev(mindlytics.ConversationStarted(id(time.Second), "c-f", nil, nil)),
		ev(mindlytics.ConversationFunction(id(time.Second+250*time.Millisecond), "c-f", mindlytics.FunctionCall{
			Name: "charge", Args: `{"eur":5}`, Runtime: 250 * time.Millisecond,
			Extra: mindlytics.Properties{"error": "context deadline exceeded"},
		})),
	}, flushed(t, c, srv))
}

// The same turn through a pipeline without instrument's turn scope (an
// application's own TracerProvider with the exporter and only the stamping
// processor, as in front of a collector): the translation alone must make
// one turn of it, although the LLM span inside the turn span has user and
// assistant text and is exported first: the processor marks it in_turn.
func TestTurnChildrenTranslationAlone(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	exp, err := exporter.New(bg(), exporter.WithClientOptions(srv.ClientOptions()...))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(instrument.NewSpanProcessor()), sdktrace.WithSyncer(exp))
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	tr := tp.Tracer("app")
	b, err := baggage.Parse("session.id=s-t,user.id=u-t,gen_ai.conversation.id=c-t")
	require.NoError(t, err)
	ctx, turn := tr.Start(baggage.ContextWithBaggage(bg(), b), "turn", trace.WithTimestamp(at(0)), trace.WithAttributes(
		sc.SessionID("s-t"), sc.UserID("u-t"), sc.ConversationID("c-t"),
		sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("Weather in Paris?")))
	otherCode(ctx, tp, at(0))
	turn.SetAttributes(sc.TurnAssistant("Sunny, 21°C."), sc.AgentID("weather-bot"))
	turn.End(trace.WithTimestamp(at(500 * time.Millisecond)))
	require.NoError(t, exp.ForceFlush(bg()))
	// The lifecycle events' times depend on batching here; compare the rest.
	requireEvents(t, turnWithOtherCodeWant(t)[2:], srv.Events()[2:])
}
