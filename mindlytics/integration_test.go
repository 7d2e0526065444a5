package mindlytics_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

const waitFor = 10 * time.Second

// newServerClient starts a loopback server and a client for it.
func newServerClient(t *testing.T, opts ...mindlytics.ClientOption) (*mindlyticstest.Server, *mindlytics.Client) {
	t.Helper()
	srv := mindlyticstest.NewServer()
	t.Cleanup(srv.Close)
	base := []mindlytics.ClientOption{
		mindlytics.WithServerBase(srv.URL),
		mindlytics.WithAPIKey(srv.APIKey),
		mindlytics.WithProjectID(srv.ProjectID),
		mindlytics.WithLiveURL(srv.LiveURL()),
	}
	c, err := mindlytics.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// sessionEvents is one well-ordered session with every kind of event.
func sessionEvents(session string) []mindlytics.Event {
	id := mindlytics.Identity{SessionID: session, UserID: "user-" + session}
	return []mindlytics.Event{
		testkit.Value(mindlytics.StartSession(id, mindlytics.Properties{"channel": "web"})),
		testkit.Value(mindlytics.Identify(id, "user-"+session, "device-"+session, mindlytics.Properties{"plan": "pro"})),
		testkit.Value(mindlytics.Alias(id, "user-"+session, "anon-"+session)),
		testkit.Value(mindlytics.ConversationStarted(id, "conv-"+session, nil, nil)),
		testkit.Value(mindlytics.ConversationTurn(id, "conv-"+session, mindlytics.Turn{User: "hi", Assistant: "hello", Model: "gpt-4o", PromptTokens: 3, CompletionTokens: 5})),
		testkit.Value(mindlytics.ConversationUsage(id, "conv-"+session, mindlytics.Usage{Cost: 0.002})),
		testkit.Value(mindlytics.ConversationFunction(id, "conv-"+session, mindlytics.FunctionCall{Name: "search", Args: `{"q":"x"}`, Runtime: 12 * time.Millisecond})),
		testkit.Value(mindlytics.Track(id, "conv-"+session, "Rated", mindlytics.Properties{"stars": 5})),
		testkit.Value(mindlytics.ConversationEnded(id, "conv-"+session, nil, nil)),
		testkit.Value(mindlytics.EndSession(id, nil)),
	}
}

func TestIntegrationSendEvents(t *testing.T) {
	for _, gzip := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "gzip"}[gzip], func(t *testing.T) {
			srv, c := newServerClient(t, mindlytics.WithGzip(gzip))
			ctx := ctxFor(t)
			sent := sessionEvents("s1")
			require.NoError(t, c.SendEvents(ctx, sent))

			got, err := srv.WaitForEvents(ctx, len(sent))
			require.NoError(t, err)
			assert.Equal(t, testkit.Kinds(sent), testkit.Kinds(got))
			assert.Equal(t, "user-s1", got[0].ID)
			assert.Empty(t, srv.Violations())
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, wire.PathEventsQueue, reqs[0].Path)
			assert.Equal(t, http.StatusOK, reqs[0].Status)
			assert.Equal(t, gzip, reqs[0].GzipEncoded)
			assert.Equal(t, wire.DefaultUserAgent, reqs[0].UserAgent)
		})
	}
}

func TestIntegrationSendBatch(t *testing.T) {
	srv, c := newServerClient(t)
	ctx := ctxFor(t)
	sent := sessionEvents("s2")
	raw := make([]json.RawMessage, len(sent))
	for i, ev := range sent {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		raw[i] = b
	}
	require.NoError(t, c.SendBatch(ctx, raw))
	assert.Equal(t, testkit.Kinds(sent), testkit.Kinds(srv.SessionEvents("s2")))
	assert.Empty(t, srv.Violations())
}

func TestIntegrationSendEvent(t *testing.T) {
	srv, c := newServerClient(t)
	ctx := ctxFor(t)
	for _, ev := range sessionEvents("s3") {
		derived, err := c.SendEvent(ctx, ev)
		require.NoError(t, err, ev.Kind())
		require.NotEmpty(t, derived, ev.Kind())
		assert.Equal(t, "s3", derived[0].SessionID)
		assert.Equal(t, srv.ProjectID, derived[0].AppID)
	}
	for _, r := range srv.Requests() {
		assert.Equal(t, wire.PathEvent, r.Path)
	}
	assert.Len(t, srv.SessionEvents("s3"), 10)
	assert.Empty(t, srv.Violations())
}

func TestIntegrationSendEventByKind(t *testing.T) {
	srv, c := newServerClient(t)
	ctx := ctxFor(t)
	sent := sessionEvents("s4")
	var lastDerived []mindlytics.LiveEvent
	for _, ev := range sent {
		derived, err := c.SendEventByKind(ctx, ev)
		require.NoError(t, err, ev.Kind())
		require.NotEmpty(t, derived, ev.Kind())
		lastDerived = derived
	}
	assert.Equal(t, "Session Ended", lastDerived[0].Event)

	var paths []string
	for _, r := range srv.Requests() {
		require.Equal(t, http.StatusOK, r.Status, r.Message)
		paths = append(paths, strings.TrimPrefix(r.Path, wire.PathEvent+"/"))
	}
	assert.Equal(t, []string{
		"start-session", "identify", "alias", "start-conversation", "conversation-turn",
		"conversation-usage", "conversation-function", "track", "end-conversation", "end-session",
	}, paths)
	assert.Equal(t, testkit.Kinds(sent), testkit.Kinds(srv.Events()))
	assert.Empty(t, srv.Violations())
}

func TestIntegrationUsers(t *testing.T) {
	srv, c := newServerClient(t)
	ctx := ctxFor(t)
	user, err := c.IdentifyUser(ctx, mindlytics.UserIdentify{ID: "user-9", DeviceID: "dev-9",
		Traits: mindlytics.Properties{"plan": "pro", "seats": 3}})
	require.NoError(t, err)
	assert.Equal(t, "user-9", user.UserID)
	assert.NotEmpty(t, user.ID)
	assert.Equal(t, srv.ProjectID, user.AppID)
	assert.Equal(t, srv.OrganizationID, user.OrganizationID)
	assert.Equal(t, "pro", user.Traits["plan"])
	assert.NotEmpty(t, user.CreatedAt)

	require.NoError(t, c.AliasUser(ctx, "user-9-new", "user-9"))
	known, ok := srv.User("user-9-new")
	require.True(t, ok)
	assert.Equal(t, "user-9", known.UserID)
	assert.Contains(t, known.Aliases, "user-9-new")

	device, err := c.IdentifyUser(ctx, mindlytics.UserIdentify{DeviceID: "dev-only"})
	require.NoError(t, err)
	assert.NotEmpty(t, device.ID)
}

func TestIntegrationLiveEndpoints(t *testing.T) {
	srv, c := newServerClient(t)
	ctx := ctxFor(t)
	start := time.Now().Add(-time.Minute)
	require.NoError(t, c.SendEvents(ctx, sessionEvents("s5")))

	key, err := c.LiveEventsKey(ctx, "s5")
	require.NoError(t, err)
	assert.NotEmpty(t, key)
	assert.NotEqual(t, srv.APIKey, key)

	all, err := c.LiveEventsHistory(ctx, start, time.Now().Add(time.Minute), 0)
	require.NoError(t, err)
	assert.Len(t, all, 10)
	for _, ev := range all {
		assert.Equal(t, "s5", ev.SessionID)
	}
	assert.Equal(t, "Session Ended", all[0].Event, "newest first")

	some, err := c.LiveEventsHistory(ctx, start, time.Now().Add(time.Minute), 3)
	require.NoError(t, err)
	assert.Equal(t, all[:3], some)
}

func TestIntegrationErrors(t *testing.T) {
	t.Run("wrong key", func(t *testing.T) {
		srv, _ := newServerClient(t)
		c, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL),
			mindlytics.WithAPIKey("wrong-key-123456"), mindlytics.WithProjectID(srv.ProjectID))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		err = c.SendEvents(ctxFor(t), sessionEvents("s6"))
		var apiErr *mindlytics.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
		assert.Contains(t, apiErr.Message, "Unauthorized")
		assert.NotContains(t, err.Error(), "wrong-key-123456")
		assert.False(t, delivery.IsRetryable(err))
		assert.Empty(t, srv.Events())
	})
	t.Run("service unavailable", func(t *testing.T) {
		srv, c := newServerClient(t)
		srv.FailNext(http.StatusServiceUnavailable)
		err := c.SendEvents(ctxFor(t), sessionEvents("s7"))
		assert.Equal(t, http.StatusServiceUnavailable, delivery.StatusCode(err))
		assert.True(t, delivery.IsRetryable(err))
		require.NoError(t, c.SendEvents(ctxFor(t), sessionEvents("s7")), "the next request goes through")
	})
	t.Run("throttled", func(t *testing.T) {
		srv, c := newServerClient(t)
		srv.Throttle(1, 2*time.Second)
		_, err := c.IdentifyUser(ctxFor(t), mindlytics.UserIdentify{ID: "u"})
		var apiErr *mindlytics.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		assert.Equal(t, 2*time.Second, apiErr.RetryAfter)
	})
	t.Run("dropped connection", func(t *testing.T) {
		srv, c := newServerClient(t)
		srv.DropConnections(1)
		err := c.AliasUser(ctxFor(t), "a", "b")
		require.Error(t, err)
		assert.Zero(t, delivery.StatusCode(err))
		assert.True(t, delivery.IsRetryable(err))
		assert.Contains(t, err.Error(), "POST "+wire.PathUserAlias)
	})
	t.Run("client timeout", func(t *testing.T) {
		srv, c := newServerClient(t, mindlytics.WithTimeout(100*time.Millisecond))
		srv.SetLatency(time.Minute)
		_, err := c.LiveEventsKey(ctxFor(t), "")
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// liveRecorder collects what SubscribeLive's callbacks receive.
type liveRecorder struct {
	events   chan mindlytics.LiveEvent
	errs     chan error
	connects chan struct{}
	done     chan struct{}
	err      error
	cancel   context.CancelFunc
}

func subscribe(t *testing.T, c *mindlytics.Client, session string) *liveRecorder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &liveRecorder{
		events:   make(chan mindlytics.LiveEvent, 64),
		errs:     make(chan error, 64),
		connects: make(chan struct{}, 64),
		done:     make(chan struct{}),
		cancel:   cancel,
	}
	go func() {
		defer close(r.done)
		r.err = c.SubscribeLive(ctx, mindlytics.LiveOptions{
			SessionID:      session,
			OnEvent:        func(ev mindlytics.LiveEvent) { r.events <- ev },
			OnError:        func(err error) { r.errs <- err },
			OnConnect:      func() { r.connects <- struct{}{} },
			InitialBackoff: 20 * time.Millisecond,
			MaxBackoff:     200 * time.Millisecond,
		})
	}()
	t.Cleanup(r.stop(t))
	return r
}

// stop cancels the subscription and waits for SubscribeLive to return nil.
func (r *liveRecorder) stop(t *testing.T) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			r.cancel()
			select {
			case <-r.done:
				assert.NoError(t, r.err)
			case <-time.After(waitFor):
				t.Error("SubscribeLive did not return after cancel")
			}
		})
	}
}

// nextEvent skips events not named name.
func nextEvent(t *testing.T, r *liveRecorder, name string) mindlytics.LiveEvent {
	t.Helper()
	for {
		if ev := testkit.Receive(t, r.events, name); ev.Event == name {
			return ev
		}
	}
}

func waitConnections(t *testing.T, srv *mindlyticstest.Server, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return srv.LiveConnections() == n },
		waitFor, 5*time.Millisecond, "waiting for %d live connections", n)
}

func TestIntegrationLive(t *testing.T) {
	// Registered first, so it runs after every other cleanup.
	t.Cleanup(func() { goleak.VerifyNone(t) })
	srv, c := newServerClient(t)
	r := subscribe(t, c, "")
	testkit.Receive(t, r.connects, "the connection")
	waitConnections(t, srv, 1)

	// The test's own event, then the live form of an event sent for real.
	srv.PublishLive(mindlytics.LiveEvent{SessionID: "s8", Event: "Intent Detected",
		Properties: map[string]any{"intents": []any{"refund"}}})
	ev := nextEvent(t, r, "Intent Detected")
	assert.Equal(t, "s8", ev.SessionID)
	assert.Equal(t, []any{"refund"}, ev.Properties["intents"])
	require.NoError(t, c.SendEvents(ctxFor(t), sessionEvents("s8")[:1]))
	assert.Equal(t, "s8", nextEvent(t, r, wire.EventSessionStarted).SessionID)

	// An MLError goes to OnError, not OnEvent.
	srv.PublishError("s8", "conversation not found")
	var liveErr *mindlytics.LiveError
	for liveErr == nil {
		err := testkit.Receive(t, r.errs, "the MLError")
		errors.As(err, &liveErr)
	}
	assert.Equal(t, "s8", liveErr.SessionID)
	assert.Equal(t, "conversation not found", liveErr.Message)

	// After the server drops the socket the client comes back on its own.
	srv.CloseLiveConnections()
	testkit.Receive(t, r.connects, "the reconnection")
	waitConnections(t, srv, 1)
	srv.PublishLive(mindlytics.LiveEvent{SessionID: "s8", Event: "After Reconnect"})
	assert.Equal(t, "s8", nextEvent(t, r, "After Reconnect").SessionID)

	// Cancelling stops it and closes the socket.
	r.stop(t)()
	waitConnections(t, srv, 0)
}

func TestIntegrationLiveScopedAndDerivedURL(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	// No WithLiveURL: the URL is derived from the base, ws://127.0.0.1:<port>/.
	c, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL),
		mindlytics.WithAPIKey(srv.APIKey), mindlytics.WithProjectID(srv.ProjectID))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	r := subscribe(t, c, "mine")
	testkit.Receive(t, r.connects, "the connection")
	waitConnections(t, srv, 1)
	srv.PublishLive(mindlytics.LiveEvent{SessionID: "other", Event: "Not Mine"})
	srv.PublishLive(mindlytics.LiveEvent{SessionID: "mine", Event: "Mine"})
	ev := testkit.Receive(t, r.events, "the scoped event")
	assert.Equal(t, "Mine", ev.Event, "events of other sessions are not streamed")
}

func TestIntegrationLiveWrongKey(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	c, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL), mindlytics.WithLiveURL(srv.LiveURL()),
		mindlytics.WithAPIKey("wrong-key-123456"), mindlytics.WithProjectID(srv.ProjectID))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	err = c.SubscribeLive(ctxFor(t), mindlytics.LiveOptions{})
	assert.Equal(t, http.StatusForbidden, delivery.StatusCode(err))
	assert.NotContains(t, err.Error(), "wrong-key-123456")
}
