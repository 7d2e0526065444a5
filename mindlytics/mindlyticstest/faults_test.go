package mindlyticstest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailNext(503, 500)
	h.srv.FailNext(400)
	ev := startSession(t, "s", 0)

	// Live endpoints are not hit.
	h.liveKey("")

	for _, want := range []int{503, 500, 400} {
		r := h.post(wire.PathEventsQueue, []mindlytics.Event{ev})
		assert.Equal(t, want, r.status)
		assert.Equal(t, "Injected failure: "+itoa(want)+" "+http.StatusText(want), r.body)
	}
	assert.Empty(t, h.srv.Events())
	h.postEvents(ev)
	assert.Len(t, h.srv.Events(), 1)

	reqs := h.srv.Requests()
	require.Len(t, reqs, 5)
	assert.Equal(t, "", reqs[0].Fault)
	for _, r := range reqs[1:4] {
		assert.Equal(t, "fail-next", r.Fault)
		assert.Equal(t, 1, r.Events)
	}
	assert.Equal(t, "", reqs[4].Fault)

	assert.Panics(t, func() { h.srv.FailNext(200) })
	assert.Panics(t, func() { h.srv.FailRandomly(0.5, 302, 1) })
}

func TestFailNextUnderConcurrency(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailNext(502, 502, 502, 502, 502)
	ev := startSession(t, "s", 0)
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			status, err := h.tryPost(ev)
			assert.NoError(t, err)
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, map[int]int{502: 5, 200: 15}, statuses)
	assert.Len(t, h.srv.Events(), 15)
}

func TestFailRandomly(t *testing.T) {
	t.Parallel()
	run := func(seed int64) []int {
		h := newHarness(t)
		h.srv.FailRandomly(0.3, 503, seed)
		var statuses []int
		for i := range 200 {
			r := h.post(wire.PathEventsQueue, []mindlytics.Event{track(t, "s", i, "E")})
			statuses = append(statuses, r.status)
		}
		h.srv.FailRandomly(0, 0, 0) // off
		for i := range 20 {
			r := h.post(wire.PathEventsQueue, []mindlytics.Event{track(t, "s", 200+i, "E")})
			assert.Equal(t, http.StatusOK, r.status)
		}
		return statuses
	}
	first := run(42)
	failed := 0
	for _, s := range first {
		if s == 503 {
			failed++
		} else {
			assert.Equal(t, 200, s)
		}
	}
	assert.InDelta(t, 60, failed, 25, "about 30%% of 200 requests fail")
	assert.Equal(t, first, run(42), "the same seed fails the same requests")
	assert.NotEqual(t, first, run(43))
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.Throttle(2, 1500*time.Millisecond)
	ev := startSession(t, "s", 0)
	for range 2 {
		r := h.post(wire.PathEventsQueue, []mindlytics.Event{ev})
		assert.Equal(t, http.StatusTooManyRequests, r.status)
		assert.Equal(t, "2", r.header.Get("Retry-After"), "1.5 s rounds up")
		assert.NotEmpty(t, r.body)
	}
	r := h.post(wire.PathEventsQueue, []mindlytics.Event{ev})
	assert.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.header.Get("Retry-After"))

	h.srv.Throttle(1, 3*time.Second)
	r = h.post("/bc/v1/user/identify", `{"id":"u"}`)
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "3", r.header.Get("Retry-After"))
	assert.Equal(t, "throttle", h.srv.Requests()[3].Fault)

	// Throttling comes before FailNext; both are used up in turn.
	h.srv.FailNext(500)
	h.srv.Throttle(1, time.Second)
	assert.Equal(t, 429, h.post(wire.PathEventsQueue, []mindlytics.Event{ev}).status)
	assert.Equal(t, 500, h.post(wire.PathEventsQueue, []mindlytics.Event{ev}).status)
	assert.Equal(t, 200, h.post(wire.PathEventsQueue, []mindlytics.Event{ev}).status)
}

func TestDropConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.DropConnections(2)
	ev := startSession(t, "s", 0)
	for range 2 {
		_, err := h.send(h.request(http.MethodPost, wire.PathEventsQueue, []mindlytics.Event{ev}))
		require.Error(t, err)
		assert.True(t, isConnectionLoss(err), "%v", err)
	}
	h.postEvents(ev)
	assert.Len(t, h.srv.Events(), 1)

	reqs := h.srv.Requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs[:2] {
		assert.Equal(t, "drop", r.Fault)
		assert.Equal(t, 0, r.Status)
		assert.Equal(t, 1, r.Events)
	}
}

func TestDown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	key := h.liveKey("")
	conn := h.subscribe(key)

	h.srv.Down(300 * time.Millisecond)
	// Live websockets go down with the service.
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := conn.ReadMessage()
	assert.True(t, websocket.IsCloseError(err, websocket.CloseGoingAway), "%v", err)

	ev := startSession(t, "s", 0)
	for _, req := range []*http.Request{
		h.request(http.MethodPost, wire.PathEventsQueue, []mindlytics.Event{ev}),
		h.request(http.MethodGet, "/bc/v1/live-events/realtime", nil),
		h.request(http.MethodGet, "/no/such/path", nil),
	} {
		_, err := h.send(req)
		require.Error(t, err, req.URL.Path)
		assert.True(t, isConnectionLoss(err), "%v", err)
	}
	_, _, err = websocket.DefaultDialer.Dial(h.srv.LiveURL(), http.Header{"Authorization": {"Bearer " + key}})
	assert.Error(t, err)

	// Back up after the window.
	require.Eventually(t, func() bool {
		status, err := h.tryPost(ev)
		return err == nil && status == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond)
	h.subscribe(key)
	down := 0
	for _, r := range h.srv.Requests() {
		if r.Fault == "down" {
			down++
			assert.Equal(t, 0, r.Status)
		}
	}
	// Three requests and a websocket; the transport may retry the GETs.
	assert.GreaterOrEqual(t, down, 4)

	h.srv.Down(time.Hour)
	h.srv.Down(0)
	h.postEvents(ev)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.SetLatency(50 * time.Millisecond)
	start := time.Now()
	h.postEvents(startSession(t, "s", 0))
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	h.liveKey("") // every endpoint waits, and still answers

	// A client that gives up is let go at once.
	h.srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := h.send(h.request(http.MethodPost, wire.PathEventsQueue, []mindlytics.Event{track(t, "s", 1, "E")}).WithContext(ctx))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)

	require.Eventually(t, func() bool {
		reqs := h.srv.Requests()
		last := reqs[len(reqs)-1]
		return last.Fault == "latency" && last.Status == 0 && last.Events == 1
	}, 5*time.Second, 10*time.Millisecond)
	assert.Len(t, h.srv.Events(), 1, "the abandoned request's event was not accepted")

	h.srv.SetLatency(0)
	h.postEvents(track(t, "s", 2, "E"))
}

func TestClearFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailNext(500)
	h.srv.FailRandomly(1, 503, 1)
	h.srv.Throttle(5, time.Second)
	h.srv.DropConnections(5)
	h.srv.SetLatency(time.Hour)
	h.srv.Down(time.Hour)
	h.srv.ClearFaults()
	h.postEvents(startSession(t, "s", 0))
	assert.Equal(t, "", h.srv.Requests()[0].Fault)
}

// isConnectionLoss reports whether err is a connection the server closed
// without an answer.
func isConnectionLoss(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
