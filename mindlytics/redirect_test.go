package mindlytics

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyWitness is a server that records the Authorization headers it saw.
type keyWitness struct {
	*httptest.Server
	mu   sync.Mutex
	keys []string
}

func newKeyWitness(t *testing.T, tls bool) *keyWitness {
	w := &keyWitness{}
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.keys = append(w.keys, r.Header.Get("Authorization"))
		w.mu.Unlock()
		rw.WriteHeader(http.StatusOK)
	})
	if tls {
		w.Server = httptest.NewTLSServer(h)
	} else {
		w.Server = httptest.NewServer(h)
	}
	t.Cleanup(w.Close)
	return w
}

func (w *keyWitness) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.keys...)
}

// TestRedirectNeverCarriesTheKeyAway: a TLS loopback service answers 307
// to plain http on the same host, or to another host. The key used to be
// sent again in clear text and the events counted as delivered; now the
// redirect is not followed, nothing reaches the target, and the answer is
// a permanent error. A redirect to the same host and port over https is
// followed.
func TestRedirectNeverCarriesTheKeyAway(t *testing.T) {
	const key = "sk-redirect-secret-0123456789"
	plain := newKeyWitness(t, false)    // http://127.0.0.1:<port>
	moved := &keyWitness{}              // the front itself, at /moved
	elsewhere := newKeyWitness(t, true) // reached as https://localhost:<port>: another host
	elsewhereURL := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)
	for _, tc := range []struct {
		name, target string
		witness      *keyWitness
		follow       bool
	}{
		{"https to http, same host", plain.URL, plain, false},
		{"to another host", elsewhereURL, elsewhere, false},
		{"same host and port over https", "", moved, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			front := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/moved") {
					moved.mu.Lock()
					moved.keys = append(moved.keys, r.Header.Get("Authorization"))
					moved.mu.Unlock()
					return
				}
				http.Redirect(rw, r, tc.target+"/moved"+r.URL.Path, http.StatusTemporaryRedirect)
			}))
			defer front.Close()
			hc := front.Client()
			// Trust both TLS test servers (they share httptest's certificate).
			hc.Transport.(*http.Transport).TLSClientConfig.RootCAs = front.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
			c, err := NewClient(WithServerBase(front.URL), WithAPIKey(key), WithProjectID("p"), WithHTTPClient(hc))
			require.NoError(t, err)
			before := len(tc.witness.seen())
			err = c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{"type":"track"}`)})
			if tc.follow {
				require.NoError(t, err)
				assert.Equal(t, []string{"Bearer " + key}, tc.witness.seen()[before:])
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr, "a refused redirect is an error, not a delivery")
			assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
			assert.False(t, apiErr.Retryable(), "permanent: retrying would not change the answer")
			assert.Contains(t, apiErr.Message, "not followed")
			assert.NotContains(t, err.Error(), key)
			assert.Empty(t, tc.witness.seen()[before:], "the target saw no request, so no key")
			t.Logf("%s: %v", tc.name, err)
		})
	}
}

// TestRedirectRuleComesBeforeTheCallersOwn: a client of the caller keeps
// its own rule, behind ours, and is not changed.
func TestRedirectRuleComesBeforeTheCallersOwn(t *testing.T) {
	var asked int
	own := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { asked++; return nil }}
	c, err := NewClient(WithAPIKey("k"), WithProjectID("p"), WithHTTPClient(own))
	require.NoError(t, err)
	rule := c.cfg.httpClient.CheckRedirect
	first, _ := http.NewRequest(http.MethodPost, "https://api.example/a", nil)
	down, _ := http.NewRequest(http.MethodPost, "http://api.example/b", nil)
	same, _ := http.NewRequest(http.MethodPost, "https://api.example/b", nil)
	assert.ErrorIs(t, rule(down, []*http.Request{first}), http.ErrUseLastResponse)
	assert.Zero(t, asked)
	assert.NoError(t, rule(same, []*http.Request{first}))
	assert.Equal(t, 1, asked)
	assert.NotSame(t, own, c.cfg.httpClient, "the caller's client is left as it was")
}
