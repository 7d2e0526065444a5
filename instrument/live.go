package instrument

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

const (
	// eventSessionEnded is the live event the service sends once a session
	// has ended.
	eventSessionEnded = "Session Ended"
	// defaultWaitForEnd is how long End waits for it, as the Python SDK.
	defaultWaitForEnd = 30 * time.Second
	// connectWait bounds how long StartSession waits for the first
	// connection, so that the session's first events are not missed.
	connectWait = 5 * time.Second
)

// liveStream is a session's subscription to the live events.
type liveStream struct {
	cancel    context.CancelFunc
	done      chan struct{} // closed when the subscription returned
	endedOnce sync.Once
	ended     chan struct{} // closed on "Session Ended"
	wait      time.Duration
}

// startLive subscribes to the session's live events until stop; it waits a
// little for the first connection.
func (c *Client) startLive(s *Session, cfg SessionConfig) *liveStream {
	ctx, cancel := context.WithCancel(context.Background())
	l := &liveStream{cancel: cancel, done: make(chan struct{}), ended: make(chan struct{}), wait: cfg.WaitForEnd}
	if l.wait == 0 {
		l.wait = defaultWaitForEnd
	}
	connected := make(chan struct{})
	var connOnce sync.Once
	opts := mindlytics.LiveOptions{
		SessionID: s.id,
		OnEvent: func(ev mindlytics.LiveEvent) {
			cfg.OnEvent(ev)
			if ev.Event == eventSessionEnded {
				l.endedOnce.Do(func() { close(l.ended) })
			}
		},
		OnError: func(err error) {
			var le *mindlytics.LiveError
			if errors.As(err, &le) && cfg.OnError != nil {
				cfg.OnError(err)
				return
			}
			c.cfg.logger.Debug("instrument: live events", "session", s.id, "error", err.Error())
		},
		OnConnect: func() { connOnce.Do(func() { close(connected) }) },
	}
	c.live.Add(1)
	go func() {
		defer c.live.Done()
		defer close(l.done)
		if err := c.wire.SubscribeLive(ctx, opts); err != nil {
			s.recordError(err)
		}
	}()
	t := time.NewTimer(connectWait)
	defer t.Stop()
	select {
	case <-connected:
	case <-l.done:
	case <-t.C:
	}
	return l
}

// finish waits, after the session's end, for the service's "Session
// Ended" (flushing first so that the end is sent), then stops the stream.
func (l *liveStream) finish(ctx context.Context, c *Client) {
	if l.wait > 0 {
		ctx, cancel := context.WithTimeout(ctx, l.wait)
		defer cancel()
		_ = c.Flush(ctx) // failures are the session's errors already
		select {
		case <-l.ended:
		case <-l.done:
		case <-ctx.Done():
		}
	}
	l.stop()
}

// stop ends the subscription and waits for it.
func (l *liveStream) stop() {
	l.cancel()
	<-l.done
}
