package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// fakeService refuses with 400 any request holding a "bad" event, and with
// failWith any request once it is set; it records each request.
type fakeService struct {
	requests [][]string
	failWith error
}

func (f *fakeService) SendBatch(_ context.Context, events []json.RawMessage) error {
	var req []string
	for _, ev := range events {
		req = append(req, string(ev))
	}
	f.requests = append(f.requests, req)
	if f.failWith != nil {
		return f.failWith
	}
	for _, ev := range events {
		if strings.Contains(string(ev), "bad") {
			return &mindlytics.APIError{StatusCode: http.StatusBadRequest, Message: "invalid event"}
		}
	}
	return nil
}

func events(names ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(names))
	for i, n := range names {
		out[i] = json.RawMessage(fmt.Sprintf("%q", n))
	}
	return out
}

func TestDeliverChunksByCountAndBytes(t *testing.T) {
	f := &fakeService{}
	evs := events("a1", "a2", "a3", "a4", "a5")
	settled, err := Deliver(context.Background(), f, evs, Limits{MaxEvents: 2, MaxBytes: 1 << 10}, nil)
	require.NoError(t, err)
	assert.Equal(t, 5, settled)
	assert.Equal(t, [][]string{{`"a1"`, `"a2"`}, {`"a3"`, `"a4"`}, {`"a5"`}}, f.requests)

	f = &fakeService{}
	// Each event is 4 bytes; "[a,b]" of two is 11 bytes: a bound of 10 keeps one per request.
	_, err = Deliver(context.Background(), f, evs[:2], Limits{MaxEvents: 10, MaxBytes: 10}, nil)
	require.NoError(t, err)
	assert.Len(t, f.requests, 2)
	for _, req := range f.requests {
		assert.Len(t, req, 1)
	}
	assert.Equal(t, 11, RequestSize(evs[:2]))
}

func TestDeliverIsolatesRefusedEventsInOrder(t *testing.T) {
	f := &fakeService{}
	evs := events("e0", "e1", "bad2", "e3", "e4", "bad5", "e6")
	var refused []int
	settled, err := Deliver(context.Background(), f, evs, Limits{MaxEvents: 100, MaxBytes: 1 << 20},
		func(i int, err error) {
			refused = append(refused, i)
			assert.Equal(t, 400, StatusCode(err))
		})
	require.NoError(t, err)
	assert.Equal(t, 7, settled)
	assert.Equal(t, []int{2, 5}, refused)
	var landed []string
	for _, req := range f.requests {
		ok := true
		for _, ev := range req {
			ok = ok && !strings.Contains(ev, "bad")
		}
		if ok {
			landed = append(landed, req...)
		}
	}
	assert.Equal(t, []string{`"e0"`, `"e1"`, `"e3"`, `"e4"`, `"e6"`}, landed, "the good ones land, in order")
}

func TestDeliverStopsOnOtherErrors(t *testing.T) {
	f := &fakeService{}
	evs := events("e0", "e1", "e2", "e3")
	calls := 0
	s := SendFunc(func(ctx context.Context, b []json.RawMessage) error {
		calls++
		if calls == 2 {
			f.failWith = &mindlytics.APIError{StatusCode: http.StatusServiceUnavailable}
		}
		return f.SendBatch(ctx, b)
	})
	settled, err := Deliver(context.Background(), s, evs, Limits{MaxEvents: 1, MaxBytes: 1 << 10}, nil)
	var apiErr *mindlytics.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 1, settled, "the first landed; the caller retries the rest")
	assert.Len(t, f.requests, 2)
}

func TestSessionKeyASCII(t *testing.T) {
	for _, id := range []string{"", "s-1", "caf\u00e9", "bad\xff", "\x7f"} {
		key, ascii := SessionKeyASCII(id)
		if key != SessionKey(id) {
			t.Errorf("SessionKeyASCII(%q) = %d, SessionKey %d", id, key, SessionKey(id))
		}
		if want := strings.IndexFunc(id, func(r rune) bool { return r >= 0x80 }) < 0; ascii != want {
			t.Errorf("SessionKeyASCII(%q): ascii %v, want %v", id, ascii, want)
		}
	}
}
