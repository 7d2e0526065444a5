package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
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

// Value unwraps a (value, error) pair where no test is at hand (a table of
// cases): an error means the test itself is broken, so it panics.
func Value[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Kinds lists the kinds of events (mindlytics.Event.Kind), for order checks.
func Kinds[E interface{ Kind() string }](events []E) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Kind()
	}
	return out
}

// EncodeEach encodes each value as JSON, for comparisons that show the
// difference as text.
func EncodeEach[T any](t testing.TB, vs []T) []string {
	t.Helper()
	out := make([]string, len(vs))
	for i, v := range vs {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out[i] = string(b)
	}
	return out
}

// AttrValue converts decoded JSON (as encoding/json gives it) to an OTel
// attribute value: whole numbers become ints, null an empty value.
func AttrValue(v any) attribute.Value {
	switch x := v.(type) {
	case string:
		return attribute.StringValue(x)
	case bool:
		return attribute.BoolValue(x)
	case float64:
		if x == float64(int64(x)) {
			return attribute.Int64Value(int64(x))
		}
		return attribute.Float64Value(x)
	case []any:
		vals := make([]attribute.Value, len(x))
		for i, e := range x {
			vals[i] = AttrValue(e)
		}
		return attribute.SliceValue(vals...)
	case map[string]any:
		kvs := make([]attribute.KeyValue, 0, len(x))
		for k, e := range x {
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(k), Value: AttrValue(e)})
		}
		return attribute.MapValue(kvs...)
	}
	return attribute.Value{}
}
