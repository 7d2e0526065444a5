package instrument_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
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

func attrsOf(s sdktrace.ReadOnlySpan) map[attribute.Key]string {
	m := map[attribute.Key]string{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value.String()
	}
	return m
}

func spanNamed(t *testing.T, rec *tracetest.SpanRecorder, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range rec.Ended() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no span %q", name)
	return nil
}

// The app's own TracerProvider: its other processors see every span, other
// code's spans in a session's context carry the session's ids, and
// Shutdown leaves the provider running but ends what is open.
func TestAppTracerProviderAndStamping(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	srv, c := setup(t, instrument.WithTracerProvider(tp))

	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-c", UserID: "u-c", Timestamp: at(0)})
	require.NoError(t, err)
	cctx, err := s.StartConversation(ctx, "c-c", instrument.At(at(time.Second)))
	require.NoError(t, err)
	other := tp.Tracer("db")
	_, span := other.Start(cctx, "SELECT")
	span.End()
	_, own := other.Start(ctx, "own-session", sdktraceAttr(sc.SessionID("theirs")))
	own.End()
	require.NoError(t, s.Identify(ctx, instrument.User{ID: "u-c2"}, instrument.At(at(2*time.Second))))
	_, after := other.Start(ctx, "after-identify")
	after.End()
	_, none := other.Start(bg(), "no-session")
	none.End()

	require.Equal(t, map[attribute.Key]string{
		sc.SessionIDKey: "s-c", sc.UserIDKey: "u-c", sc.ConversationIDKey: "c-c",
	}, attrsOf(spanNamed(t, rec, "SELECT")))
	require.Equal(t, "theirs", attrsOf(spanNamed(t, rec, "own-session"))[sc.SessionIDKey], "a span's own ids are kept")
	require.Equal(t, "u-c2", attrsOf(spanNamed(t, rec, "after-identify"))[sc.UserIDKey])
	require.Empty(t, attrsOf(spanNamed(t, rec, "no-session")))
	require.NotNil(t, instrument.SessionFromContext(ctx))
	require.Same(t, s, instrument.SessionFromContext(ctx))

	// Shutdown ends the open conversation and session (the exporter's
	// default), at their last activity.
	flushed(t, c, srv)
	ctx2, cancel := context.WithTimeout(bg(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.Shutdown(ctx2))
	ev := must(t)
	id := func(d time.Duration, user string) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-c", UserID: user, Time: at(d)}
	}
	requireEvents(t, []mindlytics.Event{
		ev(mindlytics.StartSession(id(0, "u-c"), nil)),
		ev(mindlytics.ConversationStarted(id(time.Second, "u-c"), "c-c", nil, nil)),
		ev(mindlytics.Identify(id(2*time.Second, "u-c"), "u-c2", "", nil)), // user_id: the user before
		ev(mindlytics.ConversationEnded(id(time.Second, "u-c2"), "c-c", nil, nil)),
		ev(mindlytics.EndSession(id(2*time.Second, "u-c2"), nil)),
	}, srv.Events())
	// The provider still works for the app.
	_, later := other.Start(bg(), "later")
	later.End()
	require.Len(t, rec.Ended(), 8)
}

// The middleware joins the session the headers name (names configurable)
// and puts it in the request context; without one the request goes on.
func TestMiddleware(t *testing.T) {
	srv, c := setup(t)
	var sawSession []bool
	h := c.Middleware(instrument.Headers{SessionID: "X-Chat-Session"})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := instrument.SessionFromContext(r.Context())
		sawSession = append(sawSession, s != nil)
		if s != nil {
			_ = s.TrackTurn(r.Context(), instrument.Turn{User: r.URL.Query().Get("q"), Assistant: "ok"}, instrument.At(at(time.Second)))
		}
	}))
	web := httptest.NewServer(h)
	defer web.Close()
	for _, hdr := range []map[string]string{
		{"X-Chat-Session": "s-m", "X-User-ID": "u-m", "X-Conversation-ID": "c-m"},
		{"X-Chat-Session": "s-m", "X-User-ID": "u-m", "X-Conversation-ID": "c-m"},
		{"X-Session-ID": "not-read"},
		{"X-Chat-Session": "s-bad"}, // neither user nor device
	} {
		req, err := http.NewRequest(http.MethodGet, web.URL+"/?q=hello", nil)
		require.NoError(t, err)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	require.Equal(t, []bool{true, true, false, false}, sawSession)
	ev := must(t)
	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-m", UserID: "u-m", Time: at(d)}
	}
	turn := ev(mindlytics.ConversationTurn(id(time.Second), "c-m", mindlytics.Turn{User: "hello", Assistant: "ok"}))
	requireEvents(t, []mindlytics.Event{
		ev(mindlytics.StartSession(id(time.Second), nil)),
		ev(mindlytics.ConversationStarted(id(time.Second), "c-m", nil, nil)),
		turn, turn,
	}, flushed(t, c, srv))
}

// Two services: A starts a session and calls B over HTTP with otelhttp; B
// finds the session in the W3C baggage, its spans carry A's ids, and its
// turn lands in A's session and conversation.
func TestTwoServicesJoinedByBaggage(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { require.NoError(t, tp.Shutdown(bg())) }()
	srv, c := setup(t, instrument.WithTracerProvider(tp))
	prop := otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	// Service B.
	b := otelhttp.NewHandler(c.Middleware(instrument.Headers{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, span := tp.Tracer("service-b").Start(r.Context(), "b.work")
		span.End()
		s := instrument.SessionFromContext(r.Context())
		if s == nil {
			http.Error(w, "no session", http.StatusBadRequest)
			return
		}
		if err := s.TrackTurn(r.Context(), instrument.Turn{User: "from A", Assistant: "B answers"}, instrument.At(at(2*time.Second))); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})), "service-b", otelhttp.WithTracerProvider(tp), prop)
	web := httptest.NewServer(b)
	defer web.Close()

	// Service A.
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-ab", UserID: "u-ab", Timestamp: at(0)})
	require.NoError(t, err)
	ctx, err = s.StartConversation(ctx, "c-ab", instrument.At(at(time.Second)))
	require.NoError(t, err)
	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp), prop)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, web.URL, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	work := attrsOf(spanNamed(t, rec, "b.work"))
	require.Equal(t, "s-ab", work[sc.SessionIDKey])
	require.Equal(t, "u-ab", work[sc.UserIDKey])
	require.Equal(t, "c-ab", work[sc.ConversationIDKey])
	ev := must(t)
	id := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: "s-ab", UserID: "u-ab", Time: at(d)}
	}
	requireEvents(t, []mindlytics.Event{
		ev(mindlytics.StartSession(id(0), nil)),
		ev(mindlytics.ConversationStarted(id(time.Second), "c-ab", nil, nil)),
		ev(mindlytics.ConversationTurn(id(2*time.Second), "c-ab", mindlytics.Turn{User: "from A", Assistant: "B answers"})),
	}, flushed(t, c, srv))
}

func sdktraceAttr(kv ...attribute.KeyValue) trace.SpanStartOption { return trace.WithAttributes(kv...) }

// Two services, each with its own client and exporter: the session that A
// started and passed on in baggage is started and ended once, by A; B's
// turn lands in it.
func TestTwoServicesWithTheirOwnExporters(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	newClient := func() *instrument.Client {
		c, err := instrument.New(bg(), instrument.WithClientOptions(srv.ClientOptions()...))
		require.NoError(t, err)
		return c
	}
	a, b := newClient(), newClient()
	prop := otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	web := httptest.NewServer(otelhttp.NewHandler(b.Middleware(instrument.Headers{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := instrument.SessionFromContext(r.Context())
		if s == nil {
			http.Error(w, "no session", http.StatusBadRequest)
			return
		}
		if err := s.TrackTurn(r.Context(), instrument.Turn{User: "from A", Assistant: "B answers"}, instrument.At(at(2*time.Second))); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})), "service-b", otelhttp.WithTracerProvider(b.TracerProvider()), prop))
	defer web.Close()

	ctx, s, err := a.StartSession(bg(), instrument.SessionConfig{ID: "s-own", UserID: "u-own", Timestamp: at(0)})
	require.NoError(t, err)
	ctx, err = s.StartConversation(ctx, "c-own", instrument.At(at(time.Second)))
	require.NoError(t, err)
	// The owner's start must reach the service before B's events do: two
	// processes' queues keep no order between them.
	require.NoError(t, a.Flush(ctx))
	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(a.TracerProvider()), prop)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, web.URL, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// B shuts down first, then A ends the session.
	shutdownCtx, cancel := context.WithTimeout(bg(), 10*time.Second)
	defer cancel()
	require.NoError(t, b.Shutdown(shutdownCtx))
	require.NoError(t, s.End(ctx, instrument.At(at(3*time.Second))))
	require.NoError(t, a.Shutdown(shutdownCtx))

	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Turn",
		"track:Conversation Ended", "end_session"}, testkit.Kinds(srv.SessionEvents("s-own")),
		"one start and one end, from the service that owns the session")
	assert.Empty(t, srv.Violations())
}
