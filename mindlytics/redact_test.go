package mindlytics

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodedKey holds characters that encodings change.
const encodedKey = "sk+live/key=é 42&x"

// encodings of a key that a service or a proxy might echo.
var encodings = map[string]func(string) string{
	"raw":   func(s string) string { return s },
	"query": url.QueryEscape,
	"path":  url.PathEscape,
	"query lower hex": func(s string) string {
		return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(s), strings.ToLower)
	},
	"base64":        func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64 url":    func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) },
	"base64 raw":    func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) },
	"base64 rawurl": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"json": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	},
}

func TestRedactEncodedForms(t *testing.T) {
	for name, enc := range encodings {
		t.Run(name, func(t *testing.T) {
			form := enc(encodedKey)
			got := redact("echo <"+form+"> done", encodedKey)
			assert.Equal(t, "echo <"+redacted+"> done", got)
		})
	}
}

// TestEncodedKeyNeverReachesErrorsOrLogs: a service echoing the key in any
// of its encodings leaks it into neither the error nor the debug log.
func TestEncodedKeyNeverReachesErrorsOrLogs(t *testing.T) {
	for name, enc := range encodings {
		t.Run(name, func(t *testing.T) {
			form := enc(encodedKey)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, `{"message": "bad key `+form+`"}`, http.StatusUnauthorized)
			}))
			defer srv.Close()
			clearEnv(t)
			var logs bytes.Buffer
			c, err := NewClient(WithAPIKey(encodedKey), WithProjectID(testProject), WithServerBase(srv.URL),
				WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			err = c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{}`)})
			require.Error(t, err)
			assert.NotContains(t, err.Error(), form)
			assert.Contains(t, err.Error(), redacted)
			assert.NotContains(t, logs.String(), form)
		})
	}
}

// TestUntrustedCertificateIsPermanent: a server whose certificate the
// client does not trust fails at once, not after minutes of retries.
func TestUntrustedCertificateIsPermanent(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	clearEnv(t)
	c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject), WithServerBase(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	err = c.SendBatch(context.Background(), []json.RawMessage{json.RawMessage(`{}`)})
	require.Error(t, err)
	assert.False(t, isRetryable(err), "a certificate failure is permanent: %v", err)
	var certErr *tls.CertificateVerificationError
	assert.True(t, errors.As(err, &certErr), "%T %v", err, err)
}
