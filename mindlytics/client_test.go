package mindlytics

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

func TestRequestHeaders(t *testing.T) {
	tests := []struct {
		name   string
		opts   []ClientOption
		wantUA string
	}{
		{name: "default user agent", wantUA: "mindlytics-otel-go/" + wire.Version},
		{name: "custom user agent", opts: []ClientOption{WithUserAgent("my-app/2.0")}, wantUA: "my-app/2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, `{"authorization_key":"k"}`))
			c := newTestClient(t, fs, tt.opts...)
			ctx := context.Background()
			require.NoError(t, c.SendBatch(ctx, []json.RawMessage{json.RawMessage(`{}`)}))
			_, err := c.liveEventsKey(ctx, "")
			require.NoError(t, err)

			reqs := fs.Requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, http.MethodPost, reqs[0].Method)
			assert.Equal(t, http.MethodGet, reqs[1].Method)
			for _, r := range reqs {
				assert.Equal(t, []string{"Bearer " + testKey}, r.Header.Values("Authorization"))
				assert.Equal(t, []string{testProject}, r.Header.Values("X-App-ID"))
				assert.Equal(t, []string{"application/json"}, r.Header.Values("Content-Type"))
				assert.Equal(t, []string{tt.wantUA}, r.Header.Values("User-Agent"))
				assert.Empty(t, r.Header.Get("Content-Encoding"))
			}
		})
	}
}

func TestServerBaseWithPath(t *testing.T) {
	fs := newFakeService(t, nil)
	c := newTestClient(t, fs, WithServerBase(fs.URL+"/mindlytics/"))
	require.NoError(t, c.AliasUser(context.Background(), "new", "old"))
	assert.Equal(t, "/mindlytics"+wire.PathUserAlias, fs.only(t).Path)
}

func TestGzip(t *testing.T) {
	fs := newFakeService(t, nil)
	c := newTestClient(t, fs, WithGzip(true))
	batch := `[{"type":"track","event":"a","session_id":"s1"},{"type":"end_session","session_id":"s1"}]`
	require.NoError(t, c.SendBatch(context.Background(), []json.RawMessage{
		json.RawMessage(`{"type":"track","event":"a","session_id":"s1"}`),
		json.RawMessage(`{"type":"end_session","session_id":"s1"}`),
	}))

	r := fs.only(t)
	assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, batch, string(plain))
}

func TestAPIError(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name           string
		status         int
		body           string
		headers        []string
		wantMessage    string
		wantRetryAfter time.Duration
		wantRetryable  bool
	}{
		{name: "plain text", status: 400, body: "Invalid wire type: undefined\n", wantMessage: "Invalid wire type: undefined"},
		{name: "JSON message", status: 403, body: `{"message":" Unauthorized: no organization "}`, wantMessage: "Unauthorized: no organization"},
		{name: "JSON error", status: 422, body: `{"error":"bad event"}`, wantMessage: "bad event"},
		{name: "JSON detail", status: 400, body: `{"detail":"missing session_id"}`, wantMessage: "missing session_id"},
		{name: "nested error object", status: 400, body: `{"error":{"code":7,"message":"nested"}}`, wantMessage: "nested"},
		{name: "detail list", status: 422, body: `{"detail": [{"loc": ["body"], "msg": "field required"}]}`, wantMessage: `[{"loc":["body"],"msg":"field required"}]`},
		{name: "JSON without a message", status: 500, body: `{"ok":false}`, wantMessage: `{"ok":false}`},
		{name: "empty body", status: 502, body: "", wantMessage: "", wantRetryable: true},
		{name: "long body cut at 1 KiB", status: 500, body: long, wantMessage: long[:1024]},
		{name: "multi-byte text cut on a character", status: 500, body: strings.Repeat("é", 600), wantMessage: strings.Repeat("é", 512)},
		{name: "retry after seconds", status: 429, body: "slow down", headers: []string{"Retry-After", "7"}, wantMessage: "slow down", wantRetryAfter: 7 * time.Second, wantRetryable: true},
		{name: "retry after garbage", status: 503, body: "busy", headers: []string{"Retry-After", "soon"}, wantMessage: "busy", wantRetryable: true},
		{name: "retry after in the past", status: 503, body: "busy", headers: []string{"Retry-After", "Mon, 02 Jan 2006 15:04:05 GMT"}, wantMessage: "busy", wantRetryable: true},
		{name: "not found", status: 404, body: "Not Found", wantMessage: "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, answer(tt.status, tt.body, tt.headers...))
			c := newTestClient(t, fs)
			err := c.AliasUser(context.Background(), "new", "old")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, wire.PathUserAlias, apiErr.Path)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.wantMessage, apiErr.Message)
			assert.Equal(t, tt.wantRetryAfter, apiErr.RetryAfter)
			assert.Equal(t, tt.wantRetryable, isRetryable(err))
			assert.Equal(t, tt.status, statusCode(err))
			assert.Contains(t, err.Error(), "POST "+wire.PathUserAlias)
		})
	}
}

func TestAPIErrorRetryAfterHTTPDate(t *testing.T) {
	when := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	fs := newFakeService(t, answer(http.StatusTooManyRequests, "rate limited", "Retry-After", when))
	c := newTestClient(t, fs)
	err := c.SendEvents(context.Background(), []Event{mustTrack(t, "s1", "clicked")})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	// The date has a one-second resolution; the bounds leave room for a
	// slow machine.
	assert.Greater(t, apiErr.RetryAfter, 20*time.Second)
	assert.LessOrEqual(t, apiErr.RetryAfter, 31*time.Second)
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"120", 2 * time.Minute},
		{" 3 ", 3 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"99999999999999999999", time.Duration(1<<63 - 1)},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"tomorrow", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, parseRetryAfter(tt.in, now))
		})
	}
}

// The key must not leak through errors or logs, even when the service
// echoes it back.
func TestKeyNeverLeaks(t *testing.T) {
	echo := func(status int, asJSON bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(status)
			if asJSON {
				_ = json.NewEncoder(w).Encode(map[string]string{"message": "bad key: " + auth})
				return
			}
			_, _ = io.WriteString(w, "Unauthorized: No organization found for given apikey: "+auth)
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{name: "text 403", handler: echo(http.StatusForbidden, false)},
		{name: "JSON 401", handler: echo(http.StatusUnauthorized, true)},
		{name: "JSON 503", handler: echo(http.StatusServiceUnavailable, true)},
		{name: "200 with a bad answer", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "not json "+r.Header.Get("Authorization"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, tt.handler)
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := newTestClient(t, fs, WithLogger(logger))
			ctx := context.Background()

			var errs []error
			errs = append(errs, c.SendEvents(ctx, []Event{mustTrack(t, "s1", "x")}))
			_, err := c.SendEvent(ctx, mustTrack(t, "s1", "x"))
			errs = append(errs, err)
			_, err = c.IdentifyUser(ctx, UserIdentify{ID: "u1"})
			errs = append(errs, err)
			_, err = c.LiveEventsHistory(ctx, time.Now().Add(-time.Hour), time.Now(), 0)
			errs = append(errs, err)
			for i, err := range errs {
				if i == 0 && err == nil {
					continue // the batch endpoint ignores a 200's body
				}
				require.Error(t, err)
				assert.NotContains(t, err.Error(), testKey)
				assert.NotContains(t, err.Error(), testKey[:12])
			}
			var apiErr *APIError
			if errors.As(errs[0], &apiErr) {
				assert.Contains(t, apiErr.Message, "[REDACTED]")
			}
			require.NotEmpty(t, logs.String())
			assert.NotContains(t, logs.String(), testKey)
		})
	}

	t.Run("transport error", func(t *testing.T) {
		fs := newFakeService(t, nil)
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := newTestClient(t, fs, WithLogger(logger))
		fs.Close()
		err := c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{}`)})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "POST "+wire.PathEventsQueue)
		assert.True(t, isRetryable(err))
		assert.NotContains(t, err.Error(), testKey)
		assert.NotContains(t, logs.String(), testKey)
	})
}

func TestRedactErrKeepsChain(t *testing.T) {
	clearEnv(t)
	c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject))
	require.NoError(t, err)
	sentinel := errors.New("boom")
	wrapped := c.redactErr(errors.Join(sentinel, errors.New("echo "+testKey)))
	assert.NotContains(t, wrapped.Error(), testKey)
	assert.Contains(t, wrapped.Error(), "echo [REDACTED]")
	assert.ErrorIs(t, wrapped, sentinel)
	plain := errors.New("nothing secret")
	assert.Same(t, plain, c.redactErr(plain))
}

func TestContextCancellation(t *testing.T) {
	t.Run("cancelled while waiting", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		fs := newFakeService(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			<-r.Context().Done()
		})
		c := newTestClient(t, fs)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		err := c.SendEvents(ctx, []Event{mustTrack(t, "s1", "x")})
		require.ErrorIs(t, err, context.Canceled)
		assert.False(t, isRetryable(err))
		assert.Contains(t, err.Error(), "POST "+wire.PathEventsQueue)
	})
	t.Run("cancelled before", func(t *testing.T) {
		fs := newFakeService(t, nil)
		c := newTestClient(t, fs)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.SendEvent(ctx, mustTrack(t, "s1", "x"))
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, fs.Requests())
	})
	t.Run("per-request timeout", func(t *testing.T) {
		fs := newFakeService(t, func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		})
		c := newTestClient(t, fs, WithTimeout(100*time.Millisecond))
		start := time.Now()
		err := c.AliasUser(context.Background(), "a", "b")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, isRetryable(err), "a request timing out may succeed next time")
		assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
		assert.Contains(t, err.Error(), "the request's timeout of 100ms passed")

		// The caller's own deadline is not the client's timeout.
		c = newTestClient(t, fs, WithTimeout(time.Minute))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err = c.AliasUser(ctx, "a", "b")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotContains(t, err.Error(), "timeout of")
	})
}

func TestConcurrentUse(t *testing.T) {
	fs := newFakeService(t, answer(http.StatusOK, `[]`))
	c := newTestClient(t, fs)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ev := mustTrack(t, "s1", "clicked")
				if (w+i)%2 == 0 {
					errs <- c.SendEvents(context.Background(), []Event{ev})
				} else {
					_, err := c.SendEventByKind(context.Background(), ev)
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, fs.Requests(), workers*each)
}

func mustTrack(t *testing.T, session, name string) Event {
	t.Helper()
	ev, err := Track(Identity{SessionID: session, UserID: "u1"}, "", name, Properties{"n": 1})
	require.NoError(t, err)
	return ev
}
