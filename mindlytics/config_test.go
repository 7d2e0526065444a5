package mindlytics

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

func TestNewClientPrecedence(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		opts        []ClientOption
		wantKey     string
		wantProject string
		wantBase    string
	}{
		{
			name:        "environment only",
			env:         map[string]string{envAPIKey: "env-key", envProjectID: "env-proj", envServerBase: "http://env.local:3000/"},
			wantKey:     "env-key",
			wantProject: "env-proj",
			wantBase:    "http://env.local:3000",
		},
		{
			name:        "options win over the environment",
			env:         map[string]string{envAPIKey: "env-key", envProjectID: "env-proj", envServerBase: "http://env.local:3000"},
			opts:        []ClientOption{WithAPIKey("opt-key"), WithProjectID("opt-proj"), WithServerBase("https://opt.example.com")},
			wantKey:     "opt-key",
			wantProject: "opt-proj",
			wantBase:    "https://opt.example.com",
		},
		{
			name:        "empty options leave the environment in place",
			env:         map[string]string{envAPIKey: "env-key", envProjectID: "env-proj"},
			opts:        []ClientOption{WithAPIKey(""), WithProjectID(" "), WithServerBase("")},
			wantKey:     "env-key",
			wantProject: "env-proj",
			wantBase:    wire.DefaultServerBase,
		},
		{
			name:        "default server base",
			opts:        []ClientOption{WithAPIKey("k"), WithProjectID("p")},
			wantKey:     "k",
			wantProject: "p",
			wantBase:    wire.DefaultServerBase,
		},
		{
			name:        "values are trimmed",
			env:         map[string]string{envAPIKey: " env-key\n", envProjectID: "\tenv-proj "},
			wantKey:     "env-key",
			wantProject: "env-proj",
			wantBase:    wire.DefaultServerBase,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := NewClient(tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantKey, c.cfg.apiKey)
			assert.Equal(t, tt.wantProject, c.cfg.projectID)
			assert.Equal(t, tt.wantBase, c.base)
			assert.Equal(t, wire.DefaultTimeout, c.cfg.timeout)
			assert.Equal(t, wire.DefaultUserAgent, c.cfg.userAgent)
			assert.False(t, c.cfg.gzip)
		})
	}
}

func TestNewClientOptions(t *testing.T) {
	clearEnv(t)
	var logs bytes.Buffer
	c, err := NewClient(WithAPIKey("k"), WithProjectID("p"), WithTimeout(3*time.Second),
		WithUserAgent("my-app/1.0"), WithGzip(true), WithLiveURL("wss://live.example.com/stream"),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithHTTPClient(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, c.cfg.timeout)
	assert.Equal(t, "my-app/1.0", c.cfg.userAgent)
	assert.True(t, c.cfg.gzip)
	assert.Equal(t, "wss://live.example.com/stream", c.liveURL)
	assert.NotNil(t, c.cfg.httpClient)
	assert.Equal(t, "mindlytics-otel-go/"+wire.Version, wire.DefaultUserAgent)
}

func TestNewClientMissingCredentials(t *testing.T) {
	tests := []struct {
		name        string
		opts        []ClientOption
		wantKey     bool
		wantProject bool
	}{
		{name: "no key", opts: []ClientOption{WithProjectID("p")}, wantKey: true},
		{name: "no project", opts: []ClientOption{WithAPIKey(testKey)}, wantProject: true},
		{name: "neither", wantKey: true, wantProject: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			c, err := NewClient(tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Equal(t, tt.wantKey, errors.Is(err, ErrMissingAPIKey))
			assert.Equal(t, tt.wantProject, errors.Is(err, ErrMissingProjectID))
			if tt.wantKey {
				assert.Contains(t, err.Error(), "API key")
				assert.Contains(t, err.Error(), envAPIKey)
			}
			if tt.wantProject {
				assert.Contains(t, err.Error(), "project id")
				assert.Contains(t, err.Error(), envProjectID)
			}
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestNewClientInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		opts []ClientOption
		want string
	}{
		{name: "ftp base", opts: []ClientOption{WithServerBase("ftp://example.com")}, want: "scheme must be http or https"},
		{name: "no scheme", opts: []ClientOption{WithServerBase("localhost:3000")}, want: "scheme must be http or https"},
		{name: "no host", opts: []ClientOption{WithServerBase("http://")}, want: "no host"},
		{name: "user info", opts: []ClientOption{WithServerBase("https://me:" + testKey + "@example.com")}, want: "user info"},
		{name: "query", opts: []ClientOption{WithServerBase("https://example.com/?key=1")}, want: "query or fragment"},
		{name: "unparsable", opts: []ClientOption{WithServerBase("http://[::1")}, want: "server base"},
		{name: "http live URL", opts: []ClientOption{WithLiveURL("http://example.com/ws")}, want: "scheme must be ws or wss"},
		{name: "key with a newline", opts: []ClientOption{WithAPIKey(testKey + "\nX-Evil: 1")}, want: "characters not allowed"},
		{name: "project with a newline", opts: []ClientOption{WithProjectID("p\r\nX: 1")}, want: "characters not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			opts := append([]ClientOption{WithAPIKey(testKey), WithProjectID(testProject)}, tt.opts...)
			_, err := NewClient(opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestDeriveLiveURL(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://app.mindlytics.ai", "wss://wss.mindlytics.ai/"},
		{"https://app.mindlytics.ai/", "wss://wss.mindlytics.ai/"},
		{"http://localhost:3000", "ws://localhost:4000/"}, // the local stack: API on 300x, websocket on 400x
		{"http://localhost:3002", "ws://localhost:4002/"},
		{"http://localhost:30001", "ws://localhost:30001/"},
		{"https://app.example.com:8443/prefix", "wss://wss.example.com:8443/prefix"},
		{"https://api.example.com", "wss://api.example.com/"},
		{"http://[::1]:8080", "ws://[::1]:8080/"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			u, err := url.Parse(tt.base)
			require.NoError(t, err)
			assert.Equal(t, tt.want, deriveLiveURL(u))

			clearEnv(t)
			c, err := NewClient(WithAPIKey("k"), WithProjectID("p"), WithServerBase(tt.base))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.liveURL)
		})
	}
}

func TestClientPrintingHidesKey(t *testing.T) {
	clearEnv(t)
	c, err := NewClient(WithAPIKey(testKey), WithProjectID(testProject), WithServerBase("https://app.example.com"))
	require.NoError(t, err)

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("built", "client", c)
	for _, text := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
		fmt.Sprintf("%q", c), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", *c), logs.String(),
	} {
		assert.NotContains(t, text, testKey)
	}
	assert.Contains(t, c.String(), "https://app.example.com")
	assert.Contains(t, c.String(), testProject)
	assert.Contains(t, logs.String(), testProject)
}
