// Package testkit holds the helpers this repository's tests share, in
// every module, so that none is copied from package to package.
package testkit

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Wait is how long a test waits for something that should happen soon:
// generous, because the CI machine may be slow and busy.
const Wait = 30 * time.Second

// Must returns a function that unwraps a (value, error) pair, failing t on
// the error: ev := testkit.Must[mindlytics.Event](t)(mindlytics.Track(...)).
func Must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

// Context returns a context that ends after d or at the end of the test.
func Context(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// Receive returns the next value from ch, failing t after [Wait].
func Receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(Wait):
		require.FailNow(t, "timed out waiting for "+what)
		panic("unreachable")
	}
}

// SyncBuffer is an io.Writer safe for concurrent writers (a logger's or a
// process's output), readable while it is written.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Recorder keeps what a callback is given, safe for concurrent callers.
type Recorder[T any] struct {
	mu  sync.Mutex
	got []T
}

// Add records v; it is the callback.
func (r *Recorder[T]) Add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, v)
}

// All returns a copy of what was recorded, in order.
func (r *Recorder[T]) All() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.got...)
}

// Len returns how many values were recorded.
func (r *Recorder[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}
