package instrument_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	mlwire "github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

type liveLog struct {
	mu    sync.Mutex
	names []string
}

func (l *liveLog) add(ev mindlytics.LiveEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names = append(l.names, ev.Event+"@"+ev.SessionID)
}

func (l *liveLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.names...)
}

// Live events of the session reach OnEvent, MLError reaches OnError, End
// waits for "Session Ended" and then stops the stream.
func TestLiveEvents(t *testing.T) {
	srv, c := setup(t)
	var events liveLog
	var errs errorList
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{
		ID: "s-l", UserID: "u-l", ConversationID: "c-l", OnEvent: events.add, OnError: errs.add, WaitForEnd: 10 * time.Second,
	})
	require.NoError(t, err)
	// Another session's events are not this one's.
	_, other, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-other", UserID: "u-o"})
	require.NoError(t, err)
	require.NoError(t, other.Track(bg(), "Elsewhere"))
	require.NoError(t, s.TrackTurn(ctx, instrument.Turn{User: "hi", Assistant: "hello"}))
	require.NoError(t, c.Flush(bg()))
	srv.PublishError("s-l", "model unavailable")
	require.Eventually(t, func() bool { return len(errs.list()) == 1 }, 5*time.Second, 10*time.Millisecond)
	var le *mindlytics.LiveError
	require.True(t, errors.As(errs.list()[0], &le))
	require.Equal(t, "model unavailable", le.Message)

	require.NoError(t, s.End(ctx))
	require.Equal(t, []string{
		"Session Started@s-l", mindlytics.EventConversationStarted + "@s-l", mindlytics.EventConversationTurn + "@s-l",
		mindlytics.EventConversationEnded + "@s-l", mlwire.EventSessionEnded + "@s-l",
	}, events.list())
	require.Eventually(t, func() bool { return srv.LiveConnections() == 0 }, 5*time.Second, 10*time.Millisecond)
	srv.PublishError("s-l", "too late")
	time.Sleep(50 * time.Millisecond)
	require.Len(t, errs.list(), 1, "no callback after End")
}
