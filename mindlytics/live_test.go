package mindlytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

const waitFor = 10 * time.Second

// liveServer is a fake of the two live-events endpoints: the key endpoint
// hands out "live-key-<n>" and the websocket at /ws accepts only the latest
// key. Each accepted connection is sent to conns for the test to drive.
type liveServer struct {
	*httptest.Server
	conns chan *websocket.Conn
	// closeCodes receives the code of each close frame a client sends.
	closeCodes chan int

	mu          sync.Mutex
	issued      int
	keyQueries  []string
	keyFailures []int // statuses answered by the key endpoint before it succeeds
	wsFailures  []int // statuses answered by the handshake before it succeeds
	handshakes  []string
	silent      bool // accept, then never read: no pongs, no close replies
	release     chan struct{}
}

func newLiveServer(t *testing.T) *liveServer {
	t.Helper()
	ls := &liveServer{conns: make(chan *websocket.Conn, 16), closeCodes: make(chan int, 16), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+wire.PathLiveRealtime, ls.key)
	mux.HandleFunc("GET /ws", ls.ws)
	ls.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(ls.release)
		ls.Close()
	})
	return ls
}

func (ls *liveServer) key(w http.ResponseWriter, r *http.Request) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.keyQueries = append(ls.keyQueries, r.URL.RawQuery)
	if len(ls.keyFailures) > 0 {
		status := ls.keyFailures[0]
		ls.keyFailures = ls.keyFailures[1:]
		http.Error(w, "key failure "+r.Header.Get("Authorization"), status)
		return
	}
	ls.issued++
	_ = json.NewEncoder(w).Encode(map[string]string{"authorization_key": fmt.Sprintf("live-key-%d", ls.issued)})
}

func (ls *liveServer) ws(w http.ResponseWriter, r *http.Request) {
	ls.mu.Lock()
	auth := r.Header.Get("Authorization")
	ls.handshakes = append(ls.handshakes, auth)
	want := fmt.Sprintf("Bearer live-key-%d", ls.issued)
	var fail int
	if len(ls.wsFailures) > 0 {
		fail, ls.wsFailures = ls.wsFailures[0], ls.wsFailures[1:]
	}
	silent := ls.silent
	ls.mu.Unlock()
	switch {
	case fail != 0:
		http.Error(w, "handshake failure", fail)
		return
	case auth != want:
		http.Error(w, "stale or wrong authorization key", http.StatusUnauthorized)
		return
	}
	conn, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	ls.conns <- conn
	if silent {
		<-ls.release
		return
	}
	// Reading answers the client's pings and notices its close.
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			var closeErr *websocket.CloseError
			if errors.As(err, &closeErr) {
				ls.closeCodes <- closeErr.Code
			}
			return
		}
	}
}

func (ls *liveServer) wsURL() string { return "ws" + strings.TrimPrefix(ls.URL, "http") + "/ws" }

func (ls *liveServer) state() (keyQueries, handshakes []string) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]string(nil), ls.keyQueries...), append([]string(nil), ls.handshakes...)
}

// subscription runs SubscribeLive in the background and collects what its
// callbacks receive.
type subscription struct {
	events   chan LiveEvent
	errs     chan error
	connects chan struct{}
	done     chan struct{} // closed when SubscribeLive has returned err
	err      error
	cancel   context.CancelFunc
}

func subscribe(t *testing.T, c *Client, opts LiveOptions) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &subscription{
		events:   make(chan LiveEvent, 64),
		errs:     make(chan error, 64),
		connects: make(chan struct{}, 64),
		done:     make(chan struct{}),
		cancel:   cancel,
	}
	opts.OnEvent = func(ev LiveEvent) { s.events <- ev }
	opts.OnError = func(err error) { s.errs <- err }
	opts.OnConnect = func() { s.connects <- struct{}{} }
	go func() {
		defer close(s.done)
		s.err = c.SubscribeLive(ctx, opts)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(waitFor):
			t.Error("SubscribeLive did not return after cancel")
		}
	})
	return s
}

// nextLiveError skips connection errors until an MLError arrives.
func nextLiveError(t *testing.T, s *subscription) *LiveError {
	t.Helper()
	for {
		err := testkit.Receive(t, s.errs, "an MLError")
		var liveErr *LiveError
		if errors.As(err, &liveErr) {
			return liveErr
		}
	}
}

func newLiveClient(t *testing.T, ls *liveServer) *Client {
	t.Helper()
	clearEnv(t)
	c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject),
		WithServerBase(ls.URL), WithLiveURL(ls.wsURL()))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func writeJSON(t *testing.T, conn *websocket.Conn, v any) {
	t.Helper()
	require.NoError(t, conn.WriteJSON(v))
}

func TestSubscribeLiveDispatches(t *testing.T) {
	ls := newLiveServer(t)
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{SessionID: "sess-1"})
	conn := testkit.Receive(t, ls.conns, "a connection")
	testkit.Receive(t, s.connects, "OnConnect")

	writeJSON(t, conn, LiveEvent{SessionID: "sess-1", EventID: "e1", Event: "Conversation Turn",
		Properties: map[string]any{"intents": []string{"greet"}}})
	writeJSON(t, conn, LiveEvent{SessionID: "sess-1", EventID: "e2", Event: wire.EventMLError,
		Properties: map[string]any{"error_message": "conversation c1 not found"}})
	require.NoError(t, conn.WriteMessage(websocket.TextMessage, []byte("not json")))
	writeJSON(t, conn, LiveEvent{SessionID: "sess-1", EventID: "e3", Event: "Session Ended"})

	ev := testkit.Receive(t, s.events, "the first event")
	assert.Equal(t, "e1", ev.EventID)
	assert.Equal(t, []any{"greet"}, ev.Properties["intents"])
	liveErr := nextLiveError(t, s)
	assert.Equal(t, "sess-1", liveErr.SessionID)
	assert.Equal(t, "conversation c1 not found", liveErr.Message)
	assert.Equal(t, "mindlytics: live error in session sess-1: conversation c1 not found", liveErr.Error())
	decodeErr := testkit.Receive(t, s.errs, "the decoding error")
	assert.Contains(t, decodeErr.Error(), "decoding")
	assert.Equal(t, "e3", testkit.Receive(t, s.events, "the last event").EventID)

	keyQueries, handshakes := ls.state()
	assert.Equal(t, []string{"session_id=sess-1"}, keyQueries)
	assert.Equal(t, []string{"Bearer live-key-1"}, handshakes, "the websocket gets the authorization key, not the API key")
}

func TestSubscribeLiveReconnects(t *testing.T) {
	ls := newLiveServer(t)
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	first := testkit.Receive(t, ls.conns, "the first connection")
	testkit.Receive(t, s.connects, "OnConnect")
	writeJSON(t, first, LiveEvent{EventID: "before"})
	assert.Equal(t, "before", testkit.Receive(t, s.events, "the event before the drop").EventID)

	require.NoError(t, first.Close())
	second := testkit.Receive(t, ls.conns, "the second connection")
	testkit.Receive(t, s.connects, "OnConnect after the reconnect")
	writeJSON(t, second, LiveEvent{EventID: "after"})
	assert.Equal(t, "after", testkit.Receive(t, s.events, "the event after the reconnect").EventID)

	dropErr := testkit.Receive(t, s.errs, "the connection error")
	assert.Contains(t, dropErr.Error(), "live connection")
	_, handshakes := ls.state()
	assert.Equal(t, []string{"Bearer live-key-1", "Bearer live-key-2"}, handshakes, "a fresh key for each connection")
}

func TestSubscribeLiveRetriesTransientFailures(t *testing.T) {
	ls := newLiveServer(t)
	ls.keyFailures = []int{http.StatusServiceUnavailable, http.StatusTooManyRequests}
	ls.wsFailures = []int{http.StatusBadGateway}
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	conn := testkit.Receive(t, ls.conns, "a connection after the failures")
	testkit.Receive(t, s.connects, "OnConnect")
	writeJSON(t, conn, LiveEvent{EventID: "e1"})
	assert.Equal(t, "e1", testkit.Receive(t, s.events, "an event").EventID)

	var statuses []int
	for range 3 {
		err := testkit.Receive(t, s.errs, "a reported failure")
		assert.NotContains(t, err.Error(), testKey)
		statuses = append(statuses, statusCode(err))
	}
	assert.Equal(t, []int{503, 429, 502}, statuses)
}

func TestSubscribeLivePermanentFailures(t *testing.T) {
	tests := []struct {
		name        string
		keyFailures []int
		wsFailures  []int
		wantStatus  int
		wantPath    string
	}{
		{name: "401 from the key endpoint", keyFailures: []int{401}, wantStatus: 401, wantPath: wire.PathLiveRealtime},
		{name: "403 from the key endpoint", keyFailures: []int{403}, wantStatus: 403, wantPath: wire.PathLiveRealtime},
		{name: "403 from the handshake", wsFailures: []int{403}, wantStatus: 403, wantPath: "/ws"},
		{name: "404 from the handshake", wsFailures: []int{404}, wantStatus: 404, wantPath: "/ws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := newLiveServer(t)
			ls.keyFailures, ls.wsFailures = tt.keyFailures, tt.wsFailures
			c := newLiveClient(t, ls)
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			err := c.SubscribeLive(ctx, LiveOptions{OnEvent: func(LiveEvent) {}})
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.wantStatus, apiErr.StatusCode)
			assert.Equal(t, tt.wantPath, apiErr.Path)
			assert.NotContains(t, err.Error(), testKey)
			require.NoError(t, ctx.Err(), "it returned on its own, not at the deadline")
		})
	}
}

func TestSubscribeLiveStopsOnCancel(t *testing.T) {
	t.Run("while connected", func(t *testing.T) {
		ls := newLiveServer(t)
		c := newLiveClient(t, ls)
		s := subscribe(t, c, LiveOptions{})
		testkit.Receive(t, ls.conns, "a connection")
		testkit.Receive(t, s.connects, "OnConnect")

		s.cancel()
		testkit.Receive(t, s.done, "SubscribeLive to return")
		assert.NoError(t, s.err)
		assert.Equal(t, websocket.CloseNormalClosure, testkit.Receive(t, ls.closeCodes, "a close frame"))
	})
	t.Run("while backing off", func(t *testing.T) {
		ls := newLiveServer(t)
		ls.keyFailures = []int{503}
		c := newLiveClient(t, ls)
		s := subscribe(t, c, LiveOptions{InitialBackoff: time.Hour, MaxBackoff: time.Hour})
		assert.Equal(t, 503, statusCode(testkit.Receive(t, s.errs, "the failure")))
		s.cancel()
		testkit.Receive(t, s.done, "SubscribeLive to return")
		assert.NoError(t, s.err)
	})
	t.Run("already cancelled", func(t *testing.T) {
		ls := newLiveServer(t)
		c := newLiveClient(t, ls)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.NoError(t, c.SubscribeLive(ctx, LiveOptions{}))
	})
}

// A connection that stops answering pings is taken as dead and replaced.
func TestSubscribeLiveNoticesDeadConnection(t *testing.T) {
	ls := newLiveServer(t)
	ls.silent = true
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{PingInterval: 50 * time.Millisecond, InitialBackoff: 10 * time.Millisecond})
	testkit.Receive(t, ls.conns, "the first connection")
	testkit.Receive(t, s.connects, "OnConnect")
	testkit.Receive(t, ls.conns, "a new connection after the silent one")
	err := testkit.Receive(t, s.errs, "the dead connection's error")
	assert.Contains(t, err.Error(), "timeout")
}

func TestLiveOptionsDefaults(t *testing.T) {
	o := LiveOptions{}.withDefaults()
	assert.Equal(t, defaultLiveInitialBackoff, o.InitialBackoff)
	assert.Equal(t, defaultLiveMaxBackoff, o.MaxBackoff)
	assert.Equal(t, defaultLivePingInterval, o.PingInterval)
	o = LiveOptions{InitialBackoff: time.Minute, MaxBackoff: time.Second}.withDefaults()
	assert.Equal(t, time.Minute, o.MaxBackoff, "max is never below initial")
}

func TestLiveErrorText(t *testing.T) {
	assert.Equal(t, "mindlytics: live error: unknown error", (&LiveError{}).Error())
}

// TestSubscribeLiveBacksOffFromAFlappingServer: a server that accepts the
// websocket and closes it at once is not hammered: the backoff resets only
// after a connection stayed up for StableAfter, not after each handshake.
func TestSubscribeLiveBacksOffFromAFlappingServer(t *testing.T) {
	ls := newLiveServer(t)
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{InitialBackoff: 20 * time.Millisecond, MaxBackoff: 400 * time.Millisecond})
	deadline := time.After(1500 * time.Millisecond)
	n := 0
loop:
	for {
		select {
		case conn := <-ls.conns:
			n++
			_ = conn.Close()
		case <-s.errs:
		case <-s.connects:
		case <-deadline:
			break loop
		}
	}
	// Reset after each handshake, 20 ms ±50% waits make about 60
	// connections; growing to 400 ms, about 9.
	t.Logf("%d connections in 1.5 s", n)
	assert.Less(t, n, 16, "reconnected %d times in 1.5 s", n)
	assert.Greater(t, n, 2)
}

// TestSubscribeLiveResetsAfterAStableConnection: once a connection stayed
// up StableAfter, the next reconnection starts from InitialBackoff again.
func TestSubscribeLiveResetsAfterAStableConnection(t *testing.T) {
	ls := newLiveServer(t)
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 5 * time.Second,
		StableAfter: 200 * time.Millisecond})
	// Four quick drops grow the backoff to about 160 ms.
	for range 4 {
		_ = testkit.Receive(t, ls.conns, "a connection").Close()
	}
	conn := testkit.Receive(t, ls.conns, "a connection")
	time.Sleep(300 * time.Millisecond) // stays up past StableAfter
	start := time.Now()
	_ = conn.Close()
	testkit.Receive(t, ls.conns, "the reconnection")
	assert.Less(t, time.Since(start), 100*time.Millisecond, "the backoff was reset")
	_ = s
}

// TestSubscribeLiveRefusesANullFrame: "null" is no event; it is reported
// as a decoding error and never reaches OnEvent as an empty event.
func TestSubscribeLiveRefusesANullFrame(t *testing.T) {
	ls := newLiveServer(t)
	c := newLiveClient(t, ls)
	s := subscribe(t, c, LiveOptions{})
	conn := testkit.Receive(t, ls.conns, "a connection")
	for _, frame := range []string{"null", " null\n"} {
		require.NoError(t, conn.WriteMessage(websocket.TextMessage, []byte(frame)))
	}
	writeJSON(t, conn, LiveEvent{EventID: "e1"})
	for range 2 {
		err := testkit.Receive(t, s.errs, "a decoding error")
		assert.Contains(t, err.Error(), "decoding")
	}
	assert.Equal(t, "e1", testkit.Receive(t, s.events, "the event").EventID)
}
