package queue

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

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
