package exporter

import (
	"context"
	"fmt"
	"sync"
)

// notifier hands errors to the handler on a goroutine of its own, so that
// neither ExportSpans nor a lane ever waits for the handler. A handler too
// slow to keep up loses notifications (counted), never the list's entries.
type notifier struct {
	handler func(error)
	ch      chan Error
	done    chan struct{}

	mu       sync.Mutex
	closed   bool
	missed   int64         // notifications not handed to the handler
	queued   int64         // notifications put on ch
	handled  int64         // notifications taken off ch and finished
	progress chan struct{} // closed when handled advances, if someone waits
	// abandoned: stop's deadline passed; what is left on ch is skipped.
	abandoned bool
}

// notifyBuffer is how many errors may wait for a slow handler.
const notifyBuffer = 256

func newNotifier(handler func(error)) *notifier {
	n := &notifier{handler: handler, ch: make(chan Error, notifyBuffer), done: make(chan struct{})}
	go n.run()
	return n
}

func (n *notifier) send(e Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		n.missed++
		return
	}
	select {
	case n.ch <- e:
		n.queued++
	default:
		n.missed++
	}
}

func (n *notifier) run() {
	defer close(n.done)
	for e := range n.ch {
		n.mu.Lock()
		skip := n.abandoned
		n.mu.Unlock()
		if !skip {
			n.handler(&e)
		}
		n.mu.Lock()
		if skip {
			n.missed++
		}
		n.handled++
		if n.progress != nil {
			close(n.progress)
			n.progress = nil
		}
		n.mu.Unlock()
	}
}

// flush waits until the handler has been given every error sent before
// the call, or ctx ends: after it, a handler that records errors (as
// instrument's sessions do) shows them.
func (n *notifier) flush(ctx context.Context) error {
	n.mu.Lock()
	target := n.queued
	n.mu.Unlock()
	for {
		n.mu.Lock()
		if n.handled >= target || n.abandoned {
			n.mu.Unlock()
			return nil
		}
		if n.progress == nil {
			n.progress = make(chan struct{})
		}
		progress := n.progress
		n.mu.Unlock()
		select {
		case <-progress:
		case <-n.done:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("the error handler has not taken %d errors yet: %w", n.pending(), ctx.Err())
		}
	}
}

func (n *notifier) pending() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.queued - n.handled
}

// stop hands the handler what is waiting, then stops; when ctx ends first
// it returns at once and the rest is skipped (counted as missed): a slow
// handler must not hold Shutdown past its deadline. The goroutine then
// ends as soon as the handler's current call returns. It returns how many
// notifications the handler never got.
func (n *notifier) stop(ctx context.Context) int64 {
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.ch)
	}
	n.mu.Unlock()
	select {
	case <-n.done:
	case <-ctx.Done():
		n.mu.Lock()
		n.abandoned = true
		n.mu.Unlock()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.missed + n.queued - n.handled
}
