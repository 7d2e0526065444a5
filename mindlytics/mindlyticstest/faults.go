package mindlyticstest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Names of the faults, as [Request.Fault] reports them.
const (
	faultDown         = "down"          // Down: the connection was dropped
	faultDrop         = "drop"          // DropConnections: the connection was dropped
	faultThrottle     = "throttle"      // Throttle: 429 with Retry-After
	faultFailNext     = "fail-next"     // FailNext: the status given
	faultFailRandomly = "fail-randomly" // FailRandomly: the status given
	faultLatency      = "latency"       // SetLatency: the client or the server gave up during the wait
	faultLostReply    = "lost-reply"    // LoseReplies: accepted, then the connection was dropped before the answer
)

// faults holds the injected faults. The zero value injects none once reset
// has seeded its random source.
type faults struct {
	mu         sync.Mutex
	latency    time.Duration
	downUntil  time.Time
	drop       int
	lostReply  int
	throttle   int
	retryAfter time.Duration
	failNext   []int
	randRate   float64
	randStatus int
	rng        *rand.Rand
}

// injected is a fault that hit a request; a zero answer status drops the
// connection.
type injected struct {
	name   string
	answer answer
}

func (f *faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency, f.downUntil = 0, time.Time{}
	f.drop, f.lostReply, f.throttle, f.retryAfter, f.failNext = 0, 0, 0, 0, nil
	f.randRate, f.randStatus, f.rng = 0, 0, rand.New(rand.NewPCG(0, 0))
}

func (f *faults) isDown(now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return now.Before(f.downUntil)
}

// wait holds a request for the injected latency, or until ctx ends (the
// client gave up or the server closed).
func (f *faults) wait(ctx context.Context) error {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next takes the fault, if any, that hits the next request of an event or
// user endpoint: a dropped connection first, then throttling, the FailNext
// statuses, and the random failures.
func (f *faults) next() (injected, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.drop > 0:
		f.drop--
		return injected{name: faultDrop}, true
	case f.throttle > 0:
		f.throttle--
		a := fail(http.StatusTooManyRequests, "Too many requests: retry after %s", f.retryAfter)
		a.retryAfter = retryAfterSeconds(f.retryAfter)
		return injected{name: faultThrottle, answer: a}, true
	case len(f.failNext) > 0:
		status := f.failNext[0]
		f.failNext = f.failNext[1:]
		return injected{name: faultFailNext, answer: injectedFailure(status)}, true
	case f.randRate > 0 && f.rng.Float64() < f.randRate:
		return injected{name: faultFailRandomly, answer: injectedFailure(f.randStatus)}, true
	}
	return injected{}, false
}

func injectedFailure(status int) answer {
	return fail(status, "Injected failure: %d %s", status, http.StatusText(status))
}

// retryAfterSeconds is d in whole seconds, rounded up.
func retryAfterSeconds(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

func checkFailureStatus(method string, status int) {
	if status < 400 || status > 599 {
		panic(fmt.Sprintf("mindlyticstest: %s: status %d is not a 4xx or 5xx failure", method, status))
	}
}

// FailNext makes the next len(statuses) requests to the event and user
// endpoints answer these statuses, in order, each with a message body. Calls
// add to the statuses still pending. A status outside 400–599 panics.
func (s *Server) FailNext(statuses ...int) {
	for _, st := range statuses {
		checkFailureStatus("FailNext", st)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.failNext = append(s.faults.failNext, statuses...)
}

// FailRandomly makes that fraction of the requests to the event and user
// endpoints answer status, drawn from a random source seeded with seed: the
// same seed and the same sequence of requests fail the same ones. A rate of
// 0 (or less) turns it off; rates above 1 are 1. A status outside 400–599
// panics unless the rate turns it off.
func (s *Server) FailRandomly(rate float64, status int, seed int64) {
	if math.IsNaN(rate) || rate <= 0 {
		rate = 0
	} else {
		checkFailureStatus("FailRandomly", status)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.randRate = min(rate, 1)
	s.faults.randStatus = status
	s.faults.rng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
}

// Throttle makes the next n requests to the event and user endpoints answer
// 429 Too Many Requests with a Retry-After header of retryAfter in whole
// seconds, rounded up. It replaces an earlier count; n of 0 turns it off.
func (s *Server) Throttle(n int, retryAfter time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.throttle = max(n, 0)
	s.faults.retryAfter = retryAfter
}

// SetLatency makes every request wait d before it is handled. A client that
// gives up (its timeout or context) or the server's Close ends the wait; such
// requests are recorded with the fault [faultLatency] and no status. Zero
// turns it off.
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// DropConnections makes the next n requests to the event and user
// endpoints lose their connection: the server closes it without answering,
// and the client sees EOF or a reset. It replaces an earlier count; n of 0
// turns it off.
func (s *Server) DropConnections(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.drop = max(n, 0)
}

// LoseReplies makes the next n requests to the event and user endpoints
// that the server accepts lose their answer: the server handles the request
// as usual (the events are accepted and recorded), then closes the
// connection without answering, as when a reply is lost on the way. The
// client cannot tell this from a failure, so it sends the request again:
// delivery is at least once. It replaces an earlier count; n of 0 turns it
// off.
func (s *Server) LoseReplies(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.lostReply = max(n, 0)
}

// takeLostReply reports whether an accepted request's answer is to be lost.
func (f *faults) takeLostReply() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lostReply > 0 {
		f.lostReply--
		return true
	}
	return false
}

// Down takes the service down for d from now: every request, on any path,
// loses its connection without an answer, and the open live-event
// websockets are closed (1001 going away) as a real outage would. Zero or
// less brings the service back up at once.
func (s *Server) Down(d time.Duration) {
	s.faults.mu.Lock()
	s.faults.downUntil = time.Now().Add(d)
	s.faults.mu.Unlock()
	if d > 0 {
		s.hub.closeAll(websocket.CloseGoingAway, "service down")
	}
}

// ClearFaults removes every injected fault: pending failures, throttling,
// random failures, latency, dropped connections, lost replies and an
// outage.
func (s *Server) ClearFaults() {
	s.faults.reset()
}
