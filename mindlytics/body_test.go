package mindlytics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lateReadTransport answers at once and reads each request's body only
// afterwards, as a transport may: the body must still be the request's
// own when read, however many requests were sent meanwhile.
type lateReadTransport struct {
	mu     sync.Mutex
	bodies []io.ReadCloser
	gets   []func() (io.ReadCloser, error)
}

func (l *lateReadTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.bodies, l.gets = append(l.bodies, r.Body), append(l.gets, r.GetBody)
	l.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(nil)), Request: r}, nil
}

func TestSendBatchBodyOutlivesDo(t *testing.T) {
	tr := &lateReadTransport{}
	c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject), WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	want := make([]string, 50)
	for i := range want {
		ev := json.RawMessage(fmt.Sprintf(`{"type":"track","event":"e%d","session_id":"s%d"}`, i, i))
		require.NoError(t, c.SendBatch(context.Background(), []json.RawMessage{ev, ev}))
		want[i] = "[" + string(ev) + "," + string(ev) + "]"
	}
	require.Len(t, tr.bodies, len(want))
	for i, body := range tr.bodies {
		again, err := tr.gets[i]() // a retried connection reads it again
		require.NoError(t, err)
		for _, rd := range []io.ReadCloser{body, again} {
			got, err := io.ReadAll(rd)
			require.NoError(t, err)
			assert.Equal(t, want[i], string(got), "request %d", i)
			require.NoError(t, rd.Close())
		}
		_, err = body.Read(make([]byte, 1))
		assert.ErrorIs(t, err, errBodyClosed, "a closed body reads nothing")
	}
}

func TestSharedBodyReturnsToThePoolOnlyWhenAllAreDone(t *testing.T) {
	sb := newSharedBody(8)
	*sb.buf = append(*sb.buf, "abc"...)
	r1, err := sb.reader()
	require.NoError(t, err)
	r2, err := sb.reader()
	require.NoError(t, err)
	sb.release()
	require.NoError(t, r1.Close())
	assert.NotNil(t, sb.buf, "a reader is still open")
	require.NoError(t, r1.Close(), "closing twice counts once")
	assert.NotNil(t, sb.buf)
	got, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(got))
	require.NoError(t, r2.Close())
	assert.Nil(t, sb.buf, "back in the pool")
	_, err = sb.reader()
	assert.ErrorIs(t, err, errBodyClosed, "no reader of a body given back")
}
