package mindlytics

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Fuzz targets on the decoders of what the service sends: API error bodies
// and Retry-After, the JSON answers, live-event frames. `go test` runs
// their seeds; `make fuzz` runs each for a while.

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "1", "1.5", "-1", "NaN", "+Inf", "9223372037", "1e300", "600",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 2100 23:59:59 GMT", " 5 ", "0x10"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, now); d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, negative", v, d)
		}
	})
}

func FuzzAPIError(f *testing.F) {
	f.Add(500, `{"message":"boom"}`, "1")
	f.Add(429, `{"error":{"message":"slow down `+testKey+`"}}`, "9223372037")
	f.Add(400, `{"detail":[{"loc":["body",0],"msg":"bad"}]}`, "")
	f.Add(401, "plain "+testKey, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(502, "\xff\xfe"+strings.Repeat("é", 600), "-3")
	f.Add(503, `{"message":null,"error":"x"}`, "1e9")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {retryAfter}},
			Body: io.NopCloser(strings.NewReader(body))}
		e := newAPIError(http.MethodPost, wire.PathEventsQueue, resp, testKey)
		if len(e.Message) > maxMessage {
			t.Fatalf("message of %d bytes", len(e.Message))
		}
		if strings.Contains(e.Error(), testKey) {
			t.Fatalf("the key leaked: %q", e.Error())
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", e.RetryAfter)
		}
		_ = e.Retryable()
	})
}

// answerTransport answers every request with a fixed status and body.
type answerTransport struct {
	status int
	body   []byte
}

func (a *answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: a.status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

func FuzzClientAnswers(f *testing.F) {
	for _, s := range []string{`{"authorization_key":"k"}`, `{}`, `null`, `[]`, `{"authorization_key":5}`,
		`[{"event_id":"e","session_id":"s","properties":{"a":[1,{"b":null}]}}]`, `{"id":"u","traits":{"x":1}}`,
		`{"events":[null]}`, "\x00", `"` + testKey + `"`} {
		f.Add(200, []byte(s))
	}
	f.Add(500, []byte(`{"message":"`+testKey+`"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		tr := &answerTransport{status: status, body: body}
		c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject), WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		check := func(err error) {
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Fatalf("the key leaked: %q", err.Error())
			}
		}
		_, err = c.liveEventsKey(ctx, "")
		check(err)
		_, err = c.LiveEventsHistory(ctx, time.Unix(0, 0), time.Unix(10, 0), 10)
		check(err)
		_, err = c.IdentifyUser(ctx, UserIdentify{ID: "u1"})
		check(err)
		ev, _ := Track(Identity{SessionID: "s", UserID: "u", Time: time.Unix(1, 0)}, "", "e", nil)
		_, err = c.SendEvent(ctx, ev)
		check(err)
		check(c.SendBatch(ctx, []json.RawMessage{json.RawMessage(`{}`)}))
	})
}

func FuzzLiveFrame(f *testing.F) {
	for _, s := range []string{`null`, ` null `, `{}`, `[]`, `"x"`, `{"event":"MLError","properties":{"error_message":"e"}}`,
		`{"event":"MLError","properties":null}`, `{"session_id":"s","event_id":"e","properties":{"x":[1,2]}}`, "\xff"} {
		f.Add([]byte(s))
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, data []byte) {
		var events, errs int
		c.dispatchLive(data, LiveOptions{
			OnEvent: func(LiveEvent) { events++ },
			OnError: func(error) { errs++ },
		})
		if events+errs != 1 {
			t.Fatalf("frame %q: %d events and %d errors, want exactly one of them", data, events, errs)
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) && events != 0 {
			t.Fatalf("null reached OnEvent")
		}
	})
}
