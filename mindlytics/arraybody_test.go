package mindlytics

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// arrayEvents are n events of varied lengths.
func arrayEvents(n int) []json.RawMessage {
	events := make([]json.RawMessage, n)
	for i := range events {
		events[i] = json.RawMessage(fmt.Sprintf(`{"type":"track","event":"e%d","session_id":"s%0*d"}`, i, i%7, i))
	}
	return events
}

// readIn reads r to its end in reads of at most step bytes.
func readIn(t *testing.T, r io.Reader, step int) string {
	t.Helper()
	var got []byte
	buf := make([]byte, step)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return string(got)
		}
		require.NoError(t, err)
		require.NotZero(t, n, "a read of nothing before the end")
	}
}

func TestArrayBodyReadsTheBuiltArray(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 100} {
		events := arrayEvents(n)
		want := string(appendArray(nil, events))
		for _, step := range []int{1, 2, 3, 7, 50, 4096} {
			ab := newArrayBody(events)
			assert.Equal(t, len(want), ab.len())
			r, err := ab.reader()
			require.NoError(t, err)
			assert.Equal(t, want, readIn(t, r, step), "%d events, reads of %d", n, step)
			require.NoError(t, r.Close())
			ab.release()
		}
	}
}

func TestArrayBodyOutlivesItsEventsForOpenReaders(t *testing.T) {
	for _, read := range []int{0, 1, 2, 40, 41, 300} {
		events := arrayEvents(12)
		want := string(appendArray(nil, events))
		ab := newArrayBody(events)
		r, err := ab.reader()
		require.NoError(t, err)
		head := make([]byte, read)
		_, err = io.ReadFull(r, head)
		require.NoError(t, err)
		ab.release()
		for _, ev := range events { // the caller reuses the events' memory
			for i := range ev {
				ev[i] = 'x'
			}
		}
		assert.Equal(t, want, string(head)+readIn(t, r, 5), "released after %d bytes", read)
		again, err := ab.reader() // a retried connection reads it again
		require.NoError(t, err)
		assert.Equal(t, want, readIn(t, again, 64))
		require.NoError(t, r.Close())
		require.NoError(t, r.Close(), "closing twice counts once")
		assert.NotNil(t, ab.flat, "a reader is still open")
		require.NoError(t, again.Close())
		assert.Nil(t, ab.flat, "back in the pool")
		_, err = ab.reader()
		assert.ErrorIs(t, err, errBodyClosed, "no reader of a body given up")
		_, err = again.Read(make([]byte, 1))
		assert.ErrorIs(t, err, errBodyClosed, "a closed body reads nothing")
	}
}

func TestArrayBodyReleasedWithNoReaderCopiesNothing(t *testing.T) {
	ab := newArrayBody(arrayEvents(3))
	r, err := ab.reader()
	require.NoError(t, err)
	_ = readIn(t, r, 4096)
	require.NoError(t, r.Close())
	ab.release()
	assert.Nil(t, ab.flat)
	assert.Nil(t, ab.events)
	_, err = ab.reader()
	assert.ErrorIs(t, err, errBodyClosed)
}
