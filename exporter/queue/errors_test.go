package queue

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

func TestErrorListIsBounded(t *testing.T) {
	f := &fakeSender{script: func(_ int, events []mindlytics.Event) error {
		return &mindlytics.APIError{StatusCode: http.StatusForbidden, Message: "denied " + events[0].SessionID}
	}}
	var handled []Error
	q := newTestQueue(t, f, WithConcurrency(1), WithMaxErrors(3),
		WithErrorHandler(func(e Error) { handled = append(handled, e) }))
	for i := range 5 {
		q.Enqueue(trackEvent(t, fmt.Sprintf("s%d", i), 0))
		flush(t, q) // one request, one error each
	}
	require.Len(t, handled, 5, "the handler sees every error")
	errs := q.Errors()
	require.Len(t, errs, 3, "the list keeps the newest")
	for i, e := range errs {
		assert.Equal(t, fmt.Sprintf("s%d", i+2), e.SessionID)
		assert.Equal(t, "denied "+e.SessionID, e.Message)
	}
	assert.True(t, q.HasErrors())
	assert.Equal(t, int64(2), q.Stats().DiscardedErrors)
}

func TestErrorString(t *testing.T) {
	cause := errors.New("boom")
	for _, tc := range []struct {
		name string
		err  Error
		want string
	}{
		{"with status", Error{Kind: KindRejected, StatusCode: 400, Message: "bad name", SessionID: "s1", EventKind: "track:x", Events: 1, Err: cause},
			`mindlytics queue: 1 event(s) rejected (session "s1", track:x): 400 bad name`},
		{"without status", Error{Kind: KindDropped, Message: "queue full", SessionID: "s2", EventKind: "start_session", Events: 7},
			`mindlytics queue: 7 event(s) dropped (session "s2", start_session): queue full`},
		{"bare", Error{Kind: KindShutdown, Events: 2},
			`mindlytics queue: 2 event(s) shutdown`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
			assert.Equal(t, tc.err.Err, errors.Unwrap(tc.err))
		})
	}
}
