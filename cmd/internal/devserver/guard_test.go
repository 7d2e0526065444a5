package devserver_test

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// trackTraces is one OTLP track span of session; deep > 0 adds an
// attribute that nests a kvlist that many levels.
func trackTraces(t *testing.T, session string, deep int) []byte {
	t.Helper()
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName("track")
	sp.SetTraceID(pcommon.TraceID{1, 2, 3})
	sp.SetSpanID(pcommon.SpanID{4, 5, byte(deep)})
	now := time.Now()
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(now))
	for _, kv := range []attribute.KeyValue{sc.SessionID(session), sc.UserID("u1"),
		sc.MindlyticsEvent(sc.EventTrack), sc.EventName("step")} {
		sp.Attributes().PutStr(string(kv.Key), kv.Value.String())
	}
	if deep > 0 {
		m := sp.Attributes().PutEmptyMap("deep")
		for range deep - 1 {
			m = m.PutEmptyMap("k")
		}
	}
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalJSON()
	require.NoError(t, err)
	return body
}

func postJSON(t *testing.T, url string, body []byte, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/traces", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestDeepKvlistIsRefusedAndTheStoreReopens: one span with a 10,000-deep
// kvlist was stored with 200, and the server then refused to open its own
// store. Now it is refused with 400 before anything is kept, its
// neighbours are kept, and the store opens again.
func TestDeepKvlistIsRefusedAndTheStoreReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.db")
	srv, err := devserver.New(devserver.Config{DataPath: path})
	require.NoError(t, err)
	code, msg := postJSON(t, srv.URL(), trackTraces(t, "deep", 10_000))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, msg, `attribute "deep" of span "track" nests more than 64 levels deep`)
	code, _ = postJSON(t, srv.URL(), trackTraces(t, "fine", 0))
	require.Equal(t, http.StatusOK, code)
	code, _ = postJSON(t, srv.URL(), trackTraces(t, "fine", 64))
	require.Equal(t, http.StatusOK, code, "64 levels are kept")
	require.NoError(t, srv.Close())

	srv, err = devserver.New(devserver.Config{DataPath: path})
	require.NoError(t, err, "the store opens again")
	defer func() { require.NoError(t, srv.Close()) }()
	assert.Empty(t, srv.Store().Skipped())
	assert.Empty(t, srv.Contract.SessionEvents("deep"))
	assert.NotEmpty(t, srv.Contract.SessionEvents("fine"))
	t.Logf("10,000-deep kvlist: %d %s", http.StatusBadRequest, strings.TrimSpace(msg))
}

// TestUnknownContentEncodingIsRefused: an encoding the intake cannot read
// is 415, not a 200 for a body read as garbage.
func TestUnknownContentEncodingIsRefused(t *testing.T) {
	srv := newServer(t)
	for _, enc := range []string{"br", "zstd", "deflate"} {
		code, msg := postJSON(t, srv.URL(), trackTraces(t, "s", 0), "Content-Encoding", enc)
		assert.Equal(t, http.StatusUnsupportedMediaType, code, enc)
		assert.Contains(t, msg, "unsupported content encoding "+enc)
	}
	code, _ := postJSON(t, srv.URL(), trackTraces(t, "s", 0), "Content-Encoding", "identity")
	assert.Equal(t, http.StatusOK, code)
}

// TestHostAndOriginAreChecked: a DNS-rebinding page reaches 127.0.0.1
// under a name of its own (in Host and Origin): it can neither read the
// conversations nor send events. Local names and IP addresses still work.
func TestHostAndOriginAreChecked(t *testing.T) {
	srv := newServer(t)
	port := strings.TrimPrefix(srv.URL(), "http://127.0.0.1")
	for _, tc := range []struct {
		method, path, host, origin string
		want                       int
	}{
		{"GET", "/ui/api/sessions", "rebind.attacker.example" + port, "", http.StatusForbidden},
		{"GET", "/ui/api/sessions", "127.0.0.1" + port, "http://rebind.attacker.example" + port, http.StatusForbidden},
		{"POST", "/bc/v1/events/queue", "rebind.attacker.example" + port, "", http.StatusForbidden},
		{"POST", "/v1/traces", "127.0.0.1" + port, "http://rebind.attacker.example", http.StatusForbidden},
		{"GET", "/ui/api/sessions", "localhost" + port, "http://localhost" + port, http.StatusOK},
		{"GET", "/ui/api/sessions", "127.0.0.1" + port, "http://127.0.0.1" + port, http.StatusOK},
		{"GET", "/ui/api/sessions", "[::1]" + port, "", http.StatusOK},
	} {
		req, err := http.NewRequest(tc.method, srv.URL()+tc.path, nil)
		require.NoError(t, err)
		req.Host = tc.host
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, "%s %s Host %s Origin %s", tc.method, tc.path, tc.host, tc.origin)
	}
}

// TestWebsocketsAreCapped: the page's sockets are bounded; one freed makes
// room for the next.
func TestWebsocketsAreCapped(t *testing.T) {
	srv := newServer(t)
	live := "ws" + strings.TrimPrefix(srv.URL(), "http") + "/ui/live"
	var open []*websocket.Conn
	defer func() {
		for _, c := range open {
			_ = c.Close()
		}
	}()
	for {
		c, resp, err := websocket.DefaultDialer.Dial(live, nil)
		if err != nil {
			require.NotNil(t, resp, "%v", err)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			break
		}
		open = append(open, c)
		require.LessOrEqual(t, len(open), 64, "the cap holds")
	}
	assert.Len(t, open, 64)
	require.NoError(t, open[0].Close())
	open = open[1:]
	require.Eventually(t, func() bool {
		c, _, err := websocket.DefaultDialer.Dial(live, nil)
		if err == nil {
			open = append(open, c)
		}
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "a closed socket makes room")
	t.Logf("websockets: %d open, the next refused with 503", len(open))
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8765": true, "localhost:8765": true, "[::1]:1": true, "127.0.0.2:1": true,
		"0.0.0.0:8765": false, ":8765": false, "192.168.1.4:80": false, "example.com:80": false,
	} {
		assert.Equal(t, want, devserver.IsLoopback(addr), addr)
	}
}
