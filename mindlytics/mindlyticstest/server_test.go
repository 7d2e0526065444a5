package mindlyticstest_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestNewServerDefaultsAndOptions(t *testing.T) {
	t.Parallel()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	assert.Equal(t, mindlyticstest.DefaultAPIKey, srv.APIKey)
	assert.Equal(t, mindlyticstest.DefaultProjectID, srv.ProjectID)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	assert.Equal(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/bc/v1/live-events/ws", srv.LiveURL())

	other := mindlyticstest.NewServer(mindlyticstest.WithAPIKey("k2"), mindlyticstest.WithProjectID("p2"),
		mindlyticstest.WithOrganizationID("o2"), mindlyticstest.WithLogger(nil))
	defer other.Close()
	assert.Equal(t, "k2", other.APIKey)
	assert.Equal(t, "p2", other.ProjectID)
	assert.Equal(t, "o2", other.OrganizationID)
	assert.NotEqual(t, srv.URL, other.URL)
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	const secret = "sk-very-secret-key"
	logs := &syncWriter{w: &bytes.Buffer{}}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, mindlyticstest.WithAPIKey(secret), mindlyticstest.WithProjectID("proj"), mindlyticstest.WithLogger(logger))
	body := []mindlytics.Event{startSession(t, "s1", 0)}

	tests := []struct {
		name    string
		auth    string
		app     string
		message string
	}{
		{"no authorization", "", "proj", "Unauthorized: No organization found for given apikey"},
		{"wrong key", "Bearer wrong-" + secret, "proj", "Unauthorized: No organization found for given apikey"},
		{"key prefix", "Bearer " + secret[:5], "proj", "Unauthorized: No organization found for given apikey"},
		{"not bearer", "Basic " + secret, "proj", "Unauthorized: No organization found for given apikey"},
		{"no app", "Bearer " + secret, "", "Unauthorized: missing X-App-ID header"},
		{"wrong app", "Bearer " + secret, "other", "Unauthorized: X-App-ID names no app of the organization of this apikey"},
		{"key as app", "Bearer " + secret, secret, "Unauthorized: X-App-ID names no app of the organization of this apikey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{wire.PathEventsQueue, "/bc/v1/live-events/realtime", "/no/such/path"} {
				method := http.MethodPost
				if !strings.HasPrefix(path, "/bc/v1/events") {
					method = http.MethodGet
				}
				req := h.request(method, path, body)
				req.Header.Del("Authorization")
				req.Header.Del("X-App-ID")
				if tt.auth != "" {
					req.Header.Set("Authorization", tt.auth)
				}
				if tt.app != "" {
					req.Header.Set("X-App-ID", tt.app)
				}
				r := h.do(req)
				assert.Equal(t, http.StatusForbidden, r.status, path)
				assert.Equal(t, tt.message, r.body, path)
				assert.NotContains(t, r.body, secret)
			}
		})
	}
	assert.Empty(t, h.srv.Events())
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), secret[:5]+"\"")
	assert.Contains(t, logs.String(), "wrong API key")

	r := h.post(wire.PathEventsQueue, body)
	assert.Equal(t, http.StatusOK, r.status, r.body)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/", http.StatusNotFound, ""},
		{http.MethodPost, "/bc/v1/events/queue/", http.StatusNotFound, ""},
		{http.MethodPost, "/bc/v1/events/event/unknown-kind", http.StatusNotFound, ""},
		{http.MethodPost, "/bc/v2/events/queue", http.StatusNotFound, ""},
		{http.MethodGet, wire.PathEventsQueue, http.StatusMethodNotAllowed, http.MethodPost},
		{http.MethodPut, wire.PathEvent, http.StatusMethodNotAllowed, http.MethodPost},
		{http.MethodGet, "/bc/v1/events/event/track", http.StatusMethodNotAllowed, http.MethodPost},
		{http.MethodDelete, "/bc/v1/user/identify", http.StatusMethodNotAllowed, http.MethodPost},
		{http.MethodPost, "/bc/v1/live-events/realtime", http.StatusMethodNotAllowed, http.MethodGet},
		{http.MethodPost, "/bc/v1/live-events/events", http.StatusMethodNotAllowed, http.MethodGet},
		{http.MethodPost, "/bc/v1/live-events/ws", http.StatusMethodNotAllowed, http.MethodGet},
	}
	for _, tt := range tests {
		r := h.do(h.request(tt.method, tt.path, nil))
		assert.Equal(t, tt.status, r.status, "%s %s: %s", tt.method, tt.path, r.body)
		assert.Equal(t, tt.allow, r.header.Get("Allow"), "%s %s", tt.method, tt.path)
		assert.NotEmpty(t, r.body)
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	valid := mustJSON(t, []mindlytics.Event{startSession(t, "s1", 0)})

	tests := []struct {
		name     string
		path     string
		body     []byte
		encoding string
		status   int
		message  string
	}{
		{"not JSON", wire.PathEventsQueue, []byte("{nope"), "", 400, "Invalid body: expected a JSON array of events"},
		{"not JSON either", wire.PathEventsQueue, []byte("[nope"), "", 400, "Invalid body: invalid character 'o' in literal null (expecting 'u')"},
		{"empty", wire.PathEventsQueue, nil, "", 400, "Invalid body: empty body"},
		{"object for the batch", wire.PathEventsQueue, []byte(`{"type":"track"}`), "", 400, "Invalid body: expected a JSON array of events"},
		{"a string for the batch", wire.PathEventsQueue, []byte(`"track"`), "", 400, "Invalid body: expected an array, got string"},
		{"null batch", wire.PathEventsQueue, []byte(`null`), "", 400, "Invalid body: expected a JSON array of events, got null"},
		{"trailing data", wire.PathEventsQueue, append(valid, []byte(" []")...), "", 400, "Invalid body: unexpected data after the JSON value"},
		{"array for one event", wire.PathEvent, valid, "", 400, "Invalid event: expected an object, got array"},
		{"not JSON event", wire.PathEvent, []byte("hello"), "", 400, "Invalid event: invalid character 'h' looking for beginning of value"},
		{"gzip", wire.PathEventsQueue, gzipped(t, valid), "gzip", 200, ""},
		{"bad gzip", wire.PathEventsQueue, valid, "gzip", 400, "Invalid gzip body: gzip: invalid header"},
		{"unknown encoding", wire.PathEventsQueue, valid, "br", 415, "Unsupported Content-Encoding: br"},
		{"too large", wire.PathEventsQueue, bytes.Repeat([]byte(" "), mindlyticstest.MaxBodyBytes+1), "", 413, "Request body larger than 5242880 bytes (5 MiB)"},
		{"too large once unzipped", wire.PathEventsQueue, gzipped(t, bytes.Repeat([]byte(" "), mindlyticstest.MaxBodyBytes+1)), "gzip", 413, "Request body larger than 5242880 bytes (5 MiB)"},
		{"just under the limit", wire.PathEventsQueue, append(valid, bytes.Repeat([]byte(" "), mindlyticstest.MaxBodyBytes-len(valid))...), "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := h.request(http.MethodPost, tt.path, tt.body)
			if tt.encoding != "" {
				req.Header.Set("Content-Encoding", tt.encoding)
			}
			r := h.do(req)
			assert.Equal(t, tt.status, r.status, r.body)
			if tt.message != "" {
				assert.Equal(t, tt.message, r.body)
			}
		})
	}
	reqs := h.srv.Requests()
	require.Len(t, reqs, len(tests))
	assert.True(t, reqs[9].GzipEncoded)
	assert.Equal(t, 1, reqs[9].Events)
}

func TestRequestsRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := time.Now()
	h.postEvents(startSession(t, "s1", 0), track(t, "s1", 1, "Clicked"))
	h.post(wire.PathEventsQueue, []mindlytics.Event{{Type: "track"}, {}, {}})
	h.get("/bc/v1/live-events/realtime?session_id=s1")

	reqs := h.srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, mindlyticstest.Request{
		Time: reqs[0].Time, Method: "POST", Path: wire.PathEventsQueue, Status: 200, Events: 2,
		UserAgent: "Go-http-client/1.1", ContentLength: reqs[0].ContentLength, RemoteAddr: reqs[0].RemoteAddr,
	}, reqs[0])
	assert.False(t, reqs[0].Time.Before(before))
	assert.Regexp(t, `^127\.0\.0\.1:\d+$`, reqs[0].RemoteAddr, "the client's end of the connection")
	assert.Equal(t, 400, reqs[1].Status)
	assert.Equal(t, 3, reqs[1].Events)
	assert.Equal(t, "Invalid event at index 0: session_id: required", reqs[1].Message)
	assert.Equal(t, "GET", reqs[2].Method)
	assert.Equal(t, "session_id=s1", reqs[2].Query)
	assert.Equal(t, 200, reqs[2].Status)
}

// TestCloseStopsEverything closes a server in the middle of everything it
// does and checks that no goroutine of it is left.
func TestCloseStopsEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := mindlyticstest.NewServer()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	h := &harness{t: t, srv: srv, hc: hc}

	h.postEvents(startSession(t, "s1", 0))
	key := h.liveKey("")
	conn, resp, err := websocket.DefaultDialer.Dial(srv.LiveURL(), http.Header{"Authorization": {"Bearer " + key}})
	require.NoError(t, err)
	resp.Body.Close()
	defer conn.Close()
	require.Equal(t, 1, srv.LiveConnections())

	// A request stuck in latency, and one waiter.
	srv.SetLatency(time.Hour)
	stuck := make(chan error, 1)
	go func() {
		_, err := h.send(h.request(http.MethodPost, wire.PathEventsQueue, []mindlytics.Event{track(t, "s1", 1, "x")}))
		stuck <- err
	}()
	waited := make(chan error, 1)
	go func() {
		_, err := srv.WaitForEvents(context.Background(), 100)
		waited <- err
	}()
	// Posted, realtime, websocket, and the stuck one.
	require.Eventually(t, func() bool { return len(srv.Requests()) == 4 }, 5*time.Second, 5*time.Millisecond)

	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	assert.Error(t, <-stuck)
	assert.ErrorIs(t, <-waited, mindlyticstest.ErrClosed)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = conn.ReadMessage()
	assert.True(t, websocket.IsCloseError(err, websocket.CloseGoingAway), "%v", err)
	assert.Equal(t, 0, srv.LiveConnections())

	srv.Close() // again: nothing happens
	_, err = h.send(h.request(http.MethodGet, "/bc/v1/live-events/realtime", nil))
	assert.Error(t, err)
	assert.Len(t, srv.Events(), 1, "what was recorded stays")
}
