package mindlyticstest_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestRealtimeKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := h.liveKey(""), h.liveKey("s1")
	assert.NotEqual(t, a, b)
	assert.NotContains(t, a, h.srv.APIKey)

	// Session ids have no length bound at the service.
	r := h.get("/bc/v1/live-events/realtime?session_id=" + strings.Repeat("x", 101))
	assert.Equal(t, http.StatusOK, r.status, r.body)
}

func TestLiveNeedsAnIssuedKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for name, header := range map[string]http.Header{
		"no header":   nil,
		"unknown key": {"Authorization": {"Bearer live_made_up"}},
		"the API key": {"Authorization": {"Bearer " + h.srv.APIKey}},
		"not bearer":  {"Authorization": {h.liveKey("")}},
	} {
		conn, resp, err := websocket.DefaultDialer.Dial(h.srv.LiveURL(), header)
		require.Error(t, err, name)
		require.Nil(t, conn)
		require.NotNil(t, resp, name)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		resp.Body.Close()
	}
	assert.Equal(t, 0, h.srv.LiveConnections())

	// A key but no websocket handshake.
	req := h.request(http.MethodGet, "/bc/v1/live-events/ws", nil)
	req.Header.Set("Authorization", "Bearer "+h.liveKey(""))
	r := h.do(req)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestLiveStreamsAcceptedEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	all := h.subscribe(h.liveKey(""))
	onlyB := h.subscribe(h.liveKey("b"))
	assert.Equal(t, 2, h.srv.LiveConnections())

	h.postEvents(startSession(t, "a", 0), startSession(t, "b", 0), convStarted(t, "a", "c", 1),
		testkit.Must[mindlytics.Event](t)(mindlytics.Identify(id("b", 1), "ub", "", mindlytics.Properties{"tier": "gold"})),
		track(t, "b", 2, "Clicked"), endSession(t, "a", 3))
	// A rejected batch streams nothing.
	h.post(wire.PathEventsQueue, []mindlytics.Event{track(t, "a", 4, "x"), {Type: "track"}})

	var names []string
	for range 7 {
		ev := readLive(t, all)
		names = append(names, ev.SessionID+":"+ev.Event)
		assert.Equal(t, h.srv.OrganizationID, ev.OrganizationID)
		assert.Equal(t, h.srv.ProjectID, ev.AppID)
		assert.NotEmpty(t, ev.EventID)
		assert.NotNil(t, ev.Properties)
		assert.NotNil(t, ev.UserTraits)
	}
	assert.Equal(t, []string{
		"a:Session Started", "b:Session Started", "a:Conversation Started", "b:User Identified",
		"b:Clicked", "a:Session Ended", "a:Conversation Ended",
	}, names)

	var b []mindlytics.LiveEvent
	for range 3 {
		b = append(b, readLive(t, onlyB))
	}
	assert.Equal(t, wire.EventSessionStarted, b[0].Event)
	assert.Equal(t, wire.EventUserIdentified, b[1].Event)
	assert.Equal(t, "Clicked", b[2].Event)
	assert.Equal(t, "ub", b[2].UserID)
	assert.Equal(t, map[string]any{"tier": "gold"}, b[2].UserTraits)

	// Nothing else reached the scoped subscriber: the next event it gets is
	// one of its session.
	h.postEvents(track(t, "a", 5, "NotForB"), track(t, "b", 5, "ForB"))
	assert.Equal(t, "ForB", readLive(t, onlyB).Event)
}

func TestPublishLiveAndError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	all := h.subscribe(h.liveKey(""))
	scoped := h.subscribe(h.liveKey("s1"))

	h.srv.PublishError("s1", "analysis failed")
	for _, conn := range []*websocket.Conn{all, scoped} {
		ev := readLive(t, conn)
		msg, isErr := ev.ErrorMessage()
		assert.True(t, isErr)
		assert.Equal(t, "analysis failed", msg)
		assert.Equal(t, "s1", ev.SessionID)
	}

	h.srv.PublishLive(mindlytics.LiveEvent{SessionID: "s2", Event: "Conversation Analyzed",
		Properties: map[string]any{"tags": []string{"billing", "refund"}}})
	h.srv.PublishLive(mindlytics.LiveEvent{SessionID: "s1", Event: "Custom", EventID: "ev-1",
		Timestamp: "2025-03-01T12:00:00Z"})
	ev := readLive(t, all)
	assert.Equal(t, "Conversation Analyzed", ev.Event)
	assert.Equal(t, []any{"billing", "refund"}, ev.Properties["tags"])
	assert.Equal(t, h.srv.OrganizationID, ev.OrganizationID)
	assert.NotEmpty(t, ev.EventID)
	assert.NotEmpty(t, ev.Timestamp)
	assert.Equal(t, map[string]any{}, ev.UserTraits)

	ev = readLive(t, scoped) // s2's event did not come
	assert.Equal(t, "Custom", ev.Event)
	assert.Equal(t, "ev-1", ev.EventID)
	assert.Equal(t, "2025-03-01T12:00:00Z", ev.Timestamp)
}

func TestCloseLiveConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	key := h.liveKey("")
	conns := []*websocket.Conn{h.subscribe(key), h.subscribe(key)}
	h.srv.CloseLiveConnections()
	assert.Equal(t, 0, h.srv.LiveConnections())
	for _, conn := range conns {
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := conn.ReadMessage()
		assert.True(t, websocket.IsCloseError(err, websocket.CloseServiceRestart), "%v", err)
	}

	// The key still works: clients reconnect.
	conn := h.subscribe(key)
	h.postEvents(startSession(t, "s", 0))
	assert.Equal(t, wire.EventSessionStarted, readLive(t, conn).Event)
}

func TestLiveClientLeaves(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	conn := h.subscribe(h.liveKey(""))
	require.NoError(t, conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second)))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := conn.ReadMessage()
	assert.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "%v", err)
	require.Eventually(t, func() bool { return h.srv.LiveConnections() == 0 }, 5*time.Second, 5*time.Millisecond)

	// A client that just drops the connection is noticed too.
	conn = h.subscribe(h.liveKey(""))
	require.NoError(t, conn.NetConn().Close())
	require.Eventually(t, func() bool { return h.srv.LiveConnections() == 0 }, 5*time.Second, 5*time.Millisecond)
	h.postEvents(startSession(t, "s", 0)) // nobody to stream to
}

func TestLiveAtTheRoot(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	root := "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/"
	conn, resp, err := websocket.DefaultDialer.Dial(root, http.Header{"Authorization": {"Bearer " + h.liveKey("")}})
	require.NoError(t, err)
	resp.Body.Close()
	defer conn.Close()
	h.postEvents(startSession(t, "s", 0))
	assert.Equal(t, wire.EventSessionStarted, readLive(t, conn).Event)
}

func TestHistory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.postEvents(startSession(t, "s", 0), track(t, "s", 10, "A"), track(t, "s", 20, "B"),
		track(t, "s", 20, "C"), track(t, "s", 30, "D"), endSession(t, "s", 40))

	history := func(start, end time.Time, limit string) []string {
		t.Helper()
		q := url.Values{"start": {start.Format(time.RFC3339)}, "end": {end.Format(time.RFC3339)}}
		if limit != "" {
			q.Set("limit", limit)
		}
		var evs []mindlytics.LiveEvent
		h.get("/bc/v1/live-events/events?"+q.Encode()).decode(t, &evs)
		names := []string{}
		for _, ev := range evs {
			names = append(names, ev.Event)
		}
		return names
	}
	at := func(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }

	assert.Equal(t, []string{"Session Ended", "D", "C", "B", "A", "Session Started"}, history(at(0), at(40), ""))
	assert.Equal(t, []string{"D", "C", "B", "A"}, history(at(10), at(30), ""), "bounds included")
	assert.Equal(t, []string{"Session Ended", "D"}, history(at(0), at(40), "2"))
	assert.Equal(t, []string{}, history(at(41), at(50), ""))
	// Times in another zone mean the same instants.
	assert.Equal(t, []string{"C", "B"}, history(at(20).In(time.FixedZone("x", 3600)), at(25), ""))

	for i := range 160 {
		h.postEvents(track(t, "s", 100+i, "Many"))
	}
	assert.Len(t, history(at(0), at(1000), ""), mindlyticstest.DefaultHistoryLimit)
	assert.Len(t, history(at(0), at(1000), "1000"), 166)

	for _, q := range []string{
		"", "start=2025-03-01T12:00:00Z", "end=2025-03-01T12:00:00Z",
		"start=yesterday&end=2025-03-01T12:00:00Z",
		"start=2025-03-01T12:00:10Z&end=2025-03-01T12:00:00Z",
		"start=2025-03-01T12:00:00Z&end=2025-03-01T13:00:00Z&limit=0",
		"start=2025-03-01T12:00:00Z&end=2025-03-01T13:00:00Z&limit=ten",
	} {
		r := h.get("/bc/v1/live-events/events?" + q)
		assert.Equal(t, http.StatusBadRequest, r.status, q)
		assert.True(t, strings.HasPrefix(r.body, "Invalid query: "), r.body)
	}
}

func TestSlowSubscriberIsDisconnected(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	key := h.liveKey("")
	// A client with a small receive window that reads nothing.
	dialer := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		conn, err := net.Dial(network, addr)
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetReadBuffer(4096)
		}
		return conn, err
	}}
	slow, resp, err := dialer.Dial(h.srv.LiveURL(), http.Header{"Authorization": {"Bearer " + key}})
	require.NoError(t, err)
	resp.Body.Close()
	defer slow.Close()
	// A client that keeps up: the publisher waits for it now and then.
	fast := h.subscribe(key)
	var received atomic.Int64
	fastDone := make(chan struct{})
	go func() {
		defer close(fastDone)
		for {
			if _, _, err := fast.ReadMessage(); err != nil {
				return
			}
			received.Add(1)
		}
	}()

	big := strings.Repeat("x", 1024)
	published := 0
	for h.srv.LiveConnections() == 2 {
		require.Less(t, published, 50_000, "the slow subscriber was never dropped")
		h.srv.PublishLive(mindlytics.LiveEvent{SessionID: "s", Event: "Big", Properties: map[string]any{"x": big}})
		published++
		if published%256 == 0 {
			require.Eventually(t, func() bool { return received.Load() == int64(published) }, 10*time.Second, time.Millisecond)
		}
	}
	assert.Equal(t, 1, h.srv.LiveConnections(), "the fast subscriber stays")
	assert.Greater(t, published, 1024)
	// The slow client would find the close frame (or, if the server could
	// not get it through, just the end) after what it was sent; with a
	// window this small, reading all that takes minutes.
	slow.Close()

	h.srv.CloseLiveConnections()
	<-fastDone
	assert.Equal(t, int64(published), received.Load(), "the fast subscriber got every event")
}
