package mindlyticstest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// harness is a server with a plain net/http client of its own.
type harness struct {
	t   *testing.T
	srv *mindlyticstest.Server
	hc  *http.Client
}

func newHarness(t *testing.T, opts ...mindlyticstest.Option) *harness {
	t.Helper()
	srv := mindlyticstest.NewServer(opts...)
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	t.Cleanup(func() {
		srv.Close()
		hc.CloseIdleConnections()
	})
	return &harness{t: t, srv: srv, hc: hc}
}

// reply is an answer as the tests look at it.
type reply struct {
	status int
	header http.Header
	body   string
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, r.body)
	require.NoError(t, json.Unmarshal([]byte(r.body), v), r.body)
}

// request builds an authenticated request; body is []byte, string, or
// anything else to encode as JSON; nil sends none.
func (h *harness) request(method, path string, body any) *http.Request {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		enc, err := json.Marshal(b)
		require.NoError(h.t, err)
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+h.srv.APIKey)
	req.Header.Set("X-App-ID", h.srv.ProjectID)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func (h *harness) send(req *http.Request) (reply, error) {
	resp, err := h.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}, err
}

func (h *harness) do(req *http.Request) reply {
	h.t.Helper()
	r, err := h.send(req)
	require.NoError(h.t, err)
	return r
}

func (h *harness) post(path string, body any) reply {
	h.t.Helper()
	return h.do(h.request(http.MethodPost, path, body))
}

func (h *harness) get(path string) reply {
	h.t.Helper()
	return h.do(h.request(http.MethodGet, path, nil))
}

// tryPost sends events to the batch endpoint and returns the status; it is
// safe to call from any goroutine.
func (h *harness) tryPost(events ...mindlytics.Event) (int, error) {
	body, err := json.Marshal(events)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+wire.PathEventsQueue, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+h.srv.APIKey)
	req.Header.Set("X-App-ID", h.srv.ProjectID)
	r, err := h.send(req)
	return r.status, err
}

// postEvents sends events to the batch endpoint and requires a 200.
func (h *harness) postEvents(events ...mindlytics.Event) {
	h.t.Helper()
	r := h.post(wire.PathEventsQueue, events)
	require.Equal(h.t, http.StatusOK, r.status, r.body)
}

// liveKey asks /realtime for an authorization key, scoped when session is
// not empty.
func (h *harness) liveKey(session string) string {
	h.t.Helper()
	path := "/bc/v1/live-events/realtime"
	if session != "" {
		path += "?session_id=" + session
	}
	var out struct {
		Key string `json:"authorization_key"`
	}
	h.get(path).decode(h.t, &out)
	require.NotEmpty(h.t, out.Key)
	return out.Key
}

// subscribe opens the live websocket with key; the server counts it as soon
// as the dial returns.
func (h *harness) subscribe(key string) *websocket.Conn {
	h.t.Helper()
	before := h.srv.LiveConnections()
	conn, resp, err := websocket.DefaultDialer.Dial(h.srv.LiveURL(), http.Header{"Authorization": {"Bearer " + key}})
	require.NoError(h.t, err)
	resp.Body.Close()
	h.t.Cleanup(func() { conn.Close() })
	require.Equal(h.t, before+1, h.srv.LiveConnections())
	return conn
}

func readLive(t *testing.T, conn *websocket.Conn) mindlytics.LiveEvent {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	typ, msg, err := conn.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, websocket.TextMessage, typ)
	var ev mindlytics.LiveEvent
	require.NoError(t, json.Unmarshal(msg, &ev), string(msg))
	return ev
}

// Events for the tests, at the times given (seconds after base).
var base = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func id(session string, sec int) mindlytics.Identity {
	return mindlytics.Identity{SessionID: session, Time: base.Add(time.Duration(sec) * time.Second)}
}

func startSession(t *testing.T, session string, sec int) mindlytics.Event {
	i := id(session, sec)
	i.UserID = "user-" + session
	return testkit.Must[mindlytics.Event](t)(mindlytics.StartSession(i, mindlytics.Properties{"plan": "pro"}))
}

func endSession(t *testing.T, session string, sec int) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)(mindlytics.EndSession(id(session, sec), nil))
}

func convStarted(t *testing.T, session, conv string, sec int) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)(mindlytics.ConversationStarted(id(session, sec), conv, mindlytics.Properties{"topic": "billing"}, nil))
}

func convEnded(t *testing.T, session, conv string, sec int) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)(mindlytics.ConversationEnded(id(session, sec), conv, mindlytics.Properties{"outcome": "solved"}, nil))
}

func turn(t *testing.T, session, conv string, sec int) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)(mindlytics.ConversationTurn(id(session, sec), conv, mindlytics.Turn{
		User: "hi", Assistant: "hello", Model: "gpt-4o", PromptTokens: 10, CompletionTokens: 5,
	}))
}

func track(t *testing.T, session string, sec int, name string) mindlytics.Event {
	return testkit.Must[mindlytics.Event](t)(mindlytics.Track(id(session, sec), "", name, mindlytics.Properties{"n": 1}))
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// syncWriter serializes writes of concurrent loggers.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.w)
}

func itoa(n int) string { return strconv.Itoa(n) }
