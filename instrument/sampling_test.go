package instrument_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestSamplingKeepsEveryConversation: an application samples 1 % of its
// traces for its tracing backend (an in-memory exporter behind a batch
// span processor) and gives its provider to the client. Each of 1,000
// requests is a trace: the request's span, a session started in it, a
// turn, an LLM client's chat span inside the turn, the session's end.
// Every conversation reaches Mindlytics whole (the chat span as the
// turn's usage, never a second turn), while the tracing backend gets
// exactly the traces the ratio sampler keeps, about 10, and nothing else.
func TestSamplingKeepsEveryConversation(t *testing.T) {
	const n = 1000
	ratio := sdktrace.TraceIDRatioBased(0.01)
	backend := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(instrument.Sampler(sdktrace.ParentBased(ratio))),
		sdktrace.WithIDGenerator(testkit.NewSeededIDs(26)),
		sdktrace.WithBatcher(backend),
	)
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	srv, c := setup(t, instrument.WithTracerProvider(tp))
	app, llm := tp.Tracer("app"), tp.Tracer("llm-client")

	kept := map[trace.TraceID]bool{} // the traces the ratio alone samples
	for i := range n {
		ctx, req := app.Start(bg(), "POST /chat")
		id := req.SpanContext().TraceID()
		if ratio.ShouldSample(sdktrace.SamplingParameters{TraceID: id}).Decision == sdktrace.RecordAndSample {
			kept[id] = true
		}
		assert.Equal(t, kept[id], req.SpanContext().IsSampled(), "the request span is sampled as the ratio says")
		sid := fmt.Sprintf("s-%04d", i)
		ctx, s, err := c.StartSession(ctx, instrument.SessionConfig{ID: sid, UserID: "u-" + sid, ConversationID: "c-" + sid})
		require.NoError(t, err)
		tctx, turn, err := s.StartTurn(ctx, "Where is my order?")
		require.NoError(t, err)
		_, chat := llm.Start(tctx, "chat gpt-4o", trace.WithAttributes(
			sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o")))
		require.Equal(t, kept[id], chat.SpanContext().IsSampled(), "the chat span keeps its trace's flag")
		chat.SetAttributes(sc.ResponseModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(9))
		chat.End()
		// The app knows the usage too; the chat span reported it, so it counts once.
		require.NoError(t, turn.End(instrument.Turn{Assistant: "It ships tomorrow.",
			Usage: instrument.Usage{Model: "gpt-4o", PromptTokens: 40, CompletionTokens: 9}}))
		require.NoError(t, s.End(ctx))
		req.End()
		if i%100 == 99 {
			// Requests over time, not one burst: the client's batch span
			// processor drops what overflows its queue (2,048 spans) at any
			// sampling, which this test is not about.
			require.NoError(t, c.Flush(bg()))
		}
	}
	events := flushed(t, c, srv)
	require.NoError(t, tp.ForceFlush(bg()))

	// Mindlytics: every conversation, each whole and counted once.
	sessions := map[string][]mindlytics.Event{}
	for _, ev := range events {
		sessions[ev.SessionID] = append(sessions[ev.SessionID], ev)
	}
	require.Equal(t, n, len(sessions), "sessions at Mindlytics")
	for i := range n {
		sid := fmt.Sprintf("s-%04d", i)
		var kinds []string
		var turn mindlytics.Event
		for _, ev := range sessions[sid] {
			kinds = append(kinds, ev.Kind())
			if ev.Event == mindlytics.EventConversationTurn {
				turn = ev
			}
		}
		// The usage and the turn come in the order their batches are translated.
		require.ElementsMatch(t, []string{"start_session", "track:Conversation Started", "track:Conversation Usage",
			"track:Conversation Turn", "track:Conversation Ended", "end_session"}, kinds, "session %s", sid)
		require.Equal(t, "start_session", kinds[0], "session %s", sid)
		require.Equal(t, "end_session", kinds[len(kinds)-1], "session %s", sid)
		assert.Equal(t, mindlytics.Properties{"user": "Where is my order?", "assistant": "It ships tomorrow."},
			turn.Properties, "session %s: the turn without the usage its chat span counted", sid)
	}

	// The tracing backend: the ratio's sample, every span of those traces,
	// nothing of the others.
	got := map[trace.TraceID]int{}
	for _, s := range backend.GetSpans() {
		got[s.SpanContext.TraceID()]++
		assert.True(t, s.SpanContext.IsSampled())
	}
	t.Logf("1,000 conversations at 1 %%: the tracing backend got %d traces, Mindlytics %d sessions (%d events)", len(got), len(sessions), len(events))
	assert.Len(t, got, len(kept))
	for id := range kept {
		// request, session start, turn, chat, session end
		assert.Equal(t, 5, got[id], "trace %s", id)
	}
	// A binomial(1000, 0.01) count; the seeded ids make it the same on every run.
	assert.GreaterOrEqual(t, len(kept), 2)
	assert.LessOrEqual(t, len(kept), 30)
}

// TestSamplerDecisions: what the wrapper records that its sampler drops,
// and what it leaves alone.
func TestSamplerDecisions(t *testing.T) {
	s := instrument.Sampler(sdktrace.ParentBased(sdktrace.NeverSample()))
	ts, err := trace.ParseTraceState("vendor=x")
	require.NoError(t, err)
	notSampled := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceState: ts})
	remote := trace.ContextWithRemoteSpanContext(bg(), notSampled)
	withBaggage := func(key, value string) context.Context {
		m, err := baggage.NewMember(key, value)
		require.NoError(t, err)
		b, err := baggage.New(m)
		require.NoError(t, err)
		return baggage.ContextWithBaggage(bg(), b)
	}
	// A span recorded only, as the wrapper keeps one.
	recTP := sdktrace.NewTracerProvider(sdktrace.WithSampler(instrument.Sampler(sdktrace.NeverSample())))
	recCtx, rec := recTP.Tracer("t").Start(instrument.ContextWithConversation(bg(), "c-1"), "turn")
	defer rec.End()
	require.True(t, rec.IsRecording())
	require.False(t, rec.SpanContext().IsSampled())

	for _, tc := range []struct {
		name  string
		ctx   context.Context
		attrs []attribute.KeyValue
		want  sdktrace.SamplingDecision
	}{
		{"an HTTP span", bg(), []attribute.KeyValue{attribute.String("http.request.method", "GET")}, sdktrace.Drop},
		{"an HTTP span under a remote parent", remote, nil, sdktrace.Drop},
		{"a user id alone in baggage", withBaggage("user.id", "u-1"), nil, sdktrace.Drop},
		{"a GenAI span", bg(), []attribute.KeyValue{sc.OperationName(sc.GenAIOperationChat)}, sdktrace.RecordOnly},
		{"a span of our conventions", remote, []attribute.KeyValue{sc.MindlyticsEvent(sc.EventTrack)}, sdktrace.RecordOnly},
		{"a span with a session id", bg(), []attribute.KeyValue{sc.SessionID("s-1")}, sdktrace.RecordOnly},
		{"a span with a Langfuse session id", bg(), []attribute.KeyValue{attribute.String("langfuse.session.id", "s-1")}, sdktrace.RecordOnly},
		{"an OpenInference span", bg(), []attribute.KeyValue{attribute.String("openinference.span.kind", "LLM")}, sdktrace.RecordOnly},
		{"an OpenLLMetry span", bg(), []attribute.KeyValue{attribute.String("llm.request.type", "chat")}, sdktrace.RecordOnly},
		{"a span in a conversation's context", instrument.ContextWithConversation(bg(), "c-1"), nil, sdktrace.RecordOnly},
		{"a span of a calling service's session", withBaggage(string(sc.SessionIDKey), "s-1"), nil, sdktrace.RecordOnly},
		{"a span under a span kept for Mindlytics", recCtx, nil, sdktrace.RecordOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.ShouldSample(sdktrace.SamplingParameters{ParentContext: tc.ctx, TraceID: trace.TraceID{1}, Name: "x", Attributes: tc.attrs})
			assert.Equal(t, tc.want, r.Decision)
			assert.Equal(t, trace.SpanContextFromContext(tc.ctx).TraceState(), r.Tracestate, "the parent's trace state is kept")
		})
	}

	t.Run("what the sampler keeps stays as it decided", func(t *testing.T) {
		always := instrument.Sampler(sdktrace.AlwaysSample())
		r := always.ShouldSample(sdktrace.SamplingParameters{ParentContext: bg(), TraceID: trace.TraceID{1}, Attributes: []attribute.KeyValue{sc.SessionID("s-1")}})
		assert.Equal(t, sdktrace.RecordAndSample, r.Decision)
		assert.Equal(t, "MindlyticsSampler{AlwaysOnSampler}", always.Description())
	})
}

// TestNotSampledCallerKeepsItsFlag: a service called with a traceparent
// that is not sampled (the caller's tracing sampled it out) joins the
// caller's session on the provider the client builds: its spans reach
// Mindlytics, and what it propagates further is still not sampled.
func TestNotSampledCallerKeepsItsFlag(t *testing.T) {
	srv, c := setup(t)
	prop := propagation.TraceContext{}
	in := propagation.MapCarrier{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}
	ctx := prop.Extract(bg(), in)
	ctx, s, err := c.JoinSession(ctx, instrument.SessionConfig{ID: "s-remote", UserID: "u-1"})
	require.NoError(t, err)

	llm := c.TracerProvider().Tracer("llm-client")
	callCtx, chat := llm.Start(ctx, "chat gpt-4o", trace.WithAttributes(sc.OperationName(sc.GenAIOperationChat)))
	require.True(t, chat.IsRecording(), "recorded for Mindlytics")
	out := propagation.MapCarrier{}
	prop.Inject(callCtx, out)
	assert.True(t, strings.HasPrefix(out["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-"), out["traceparent"])
	assert.True(t, strings.HasSuffix(out["traceparent"], "-00"), "still not sampled downstream: %s", out["traceparent"])
	chat.SetAttributes(sc.ResponseModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(9),
		sc.TurnUser("Where is my order?"), sc.TurnAssistant("It ships tomorrow."))
	chat.End()
	require.NoError(t, s.TrackTurn(ctx, instrument.Turn{User: "And the invoice?", Assistant: "Sent by e-mail."}))

	flushed(t, c, srv)
	var kinds []string
	for _, ev := range srv.SessionEvents("s-remote") {
		kinds = append(kinds, ev.Kind())
	}
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Turn", "track:Conversation Turn"}, kinds)
}

// TestSampledViewLeavesOtherProcessorsAlone: the client's processor
// exporting recorded spans changes nothing the provider's other processors
// see (a simple span processor still skips what is not sampled).
func TestSampledViewLeavesOtherProcessorsAlone(t *testing.T) {
	other := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(instrument.Sampler(sdktrace.NeverSample())),
		sdktrace.WithSyncer(other),
	)
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	srv, c := setup(t, instrument.WithTracerProvider(tp))
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-1", UserID: "u-1"})
	require.NoError(t, err)
	require.NoError(t, s.TrackTurn(ctx, instrument.Turn{User: "Hi", Assistant: "Hello"}))
	assert.Len(t, flushed(t, c, srv), 3, "start, conversation, turn")
	assert.Empty(t, other.GetSpans())
}

// The application samples 1 % of traces for its tracing backend; every
// conversation still reaches Mindlytics.
func ExampleSampler() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	tracing := tracetest.NewInMemoryExporter() // the application's tracing backend
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(instrument.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01)))),
		sdktrace.WithBatcher(tracing),
	)
	client, err := instrument.New(ctx, instrument.WithTracerProvider(tp), instrument.WithClientOptions(srv.ClientOptions()...))
	if err != nil {
		panic(err)
	}
	for i := range 20 {
		ctx, session, _ := client.StartSession(ctx, instrument.SessionConfig{ID: fmt.Sprintf("s-%d", i), UserID: "u-7"})
		_ = session.TrackTurn(ctx, instrument.Turn{User: "Hi!", Assistant: "Hello, how can I help?"})
		_ = session.End(ctx)
	}
	_ = client.Shutdown(ctx)
	_ = tp.Shutdown(ctx)
	fmt.Println(len(srv.Sessions()), "sessions at Mindlytics")
	// Output: 20 sessions at Mindlytics
}

// BenchmarkSampler is what the wrapper adds to a span's start, against its
// sampler alone: nothing where the sampler keeps the span, a look at the
// context and the start attributes where it drops it.
func BenchmarkSampler(b *testing.B) {
	http := []attribute.KeyValue{attribute.String("http.request.method", "GET"), attribute.String("url.path", "/health"),
		attribute.Int("http.response.status_code", 200), attribute.String("server.address", "api.internal")}
	chat := append([]attribute.KeyValue{sc.OperationName(sc.GenAIOperationChat)}, http...)
	drop := sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0))
	for _, bc := range []struct {
		name  string
		inner sdktrace.Sampler
		ctx   context.Context
		attrs []attribute.KeyValue
	}{
		{"kept by the sampler", sdktrace.ParentBased(sdktrace.AlwaysSample()), bg(), http},
		{"dropped HTTP span", drop, bg(), http},
		{"GenAI span", drop, bg(), chat},
		{"span in a conversation", drop, instrument.ContextWithConversation(bg(), "c-1"), http},
	} {
		p := sdktrace.SamplingParameters{ParentContext: bc.ctx, TraceID: trace.TraceID{1}, Name: "x", Attributes: bc.attrs}
		for _, s := range []struct {
			name string
			s    sdktrace.Sampler
		}{{"sampler", bc.inner}, {"wrapped", instrument.Sampler(bc.inner)}} {
			b.Run(bc.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = s.s.ShouldSample(p)
				}
			})
		}
	}
}

// An application whose sampler is not wrapped with Sampler still loses no
// span of the hand API: each is recorded on the client's own provider, the
// application's other exporters see none, and the fix is said once.
func TestUnwrappedSamplerLosesNoHandAPISpan(t *testing.T) {
	other := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()), sdktrace.WithSyncer(other))
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	var said []error
	srv, c := setup(t, instrument.WithTracerProvider(tp), instrument.WithErrorHandler(func(err error) { said = append(said, err) }))
	for _, id := range []string{"s-1", "s-2"} {
		ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: id, UserID: "u-" + id})
		require.NoError(t, err)
		tctx, turn, err := s.StartTurn(ctx, "Where is my order?")
		require.NoError(t, err)
		_, fn, err := s.StartFunction(tctx, "order_status", `{"order":1}`)
		require.NoError(t, err)
		require.NoError(t, fn.End("shipped", nil))
		require.NoError(t, turn.End(instrument.Turn{Assistant: "It ships tomorrow."}))
		require.NoError(t, s.End(ctx))
	}
	evs := flushed(t, c, srv)
	names := map[string]int{}
	for _, ev := range evs {
		names[ev.Event+string(ev.Type)]++
	}
	assert.Equal(t, 2, names[mindlytics.EventConversationTurn+"track"], "%v", names)
	assert.Equal(t, 2, names[mindlytics.EventConversationFunction+"track"], "%v", names)
	assert.Empty(t, other.GetSpans(), "the application's sample stays its own")
	require.Len(t, said, 1, "said once")
	assert.ErrorIs(t, said[0], instrument.ErrSpanSampledOut)
}
