package mindlyticsexporter

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// loadConfig reads the exporter id name of testdata/config.yaml over the
// defaults, as the collector does.
func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	return cfg, sub.Unmarshal(cfg)
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, createDefaultConfig(), cfg)

	assert.Equal(t, "https://app.mindlytics.ai", cfg.ClientConfig.Endpoint)
	assert.Equal(t, 10*time.Second, cfg.ClientConfig.Timeout)
	assert.Empty(t, cfg.ClientConfig.Compression)
	require.True(t, cfg.QueueConfig.HasValue())
	q := cfg.QueueConfig.Get()
	assert.Equal(t, 1, q.NumConsumers)
	assert.Equal(t, int64(1000), q.QueueSize)
	assert.Nil(t, q.StorageID)
	assert.Equal(t, 200*time.Millisecond, cfg.RetryConfig.InitialInterval, "as the in-process exporter's WithRetry")
	assert.Equal(t, 3*time.Second, cfg.RetryConfig.MaxInterval)
	assert.Equal(t, 5*time.Minute, cfg.RetryConfig.MaxElapsedTime)
	assert.True(t, cfg.RetryConfig.Enabled)
	assert.Equal(t, 500, cfg.MaxRequestEvents)
	assert.Equal(t, 16, cfg.RequestsInFlight, "a collector's: many apps' spans (collectorRequestsInFlight)")
	assert.Equal(t, 512<<10, cfg.MaxRequestBytes)
	inProcess := delivery.DefaultRequestSettings()
	inProcess.RequestsInFlight = cfg.RequestsInFlight
	assert.Equal(t, inProcess, cfg.RequestSettings, "the in-process exporter's defaults but requests_in_flight")
	assert.Equal(t, translate.DefaultSettings(), cfg.Settings, "the in-process exporter's defaults")
	assert.True(t, cfg.Lifecycle.EndOnShutdown)
	assert.Zero(t, cfg.Lifecycle.IdleCheckInterval, "automatic")
	assert.Equal(t, 16384, cfg.MaxStringLength)
	assert.Equal(t, "per_session", cfg.Identity.DefaultDeviceID)

	// The defaults lack only the credentials.
	err = confmap.Validate(cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, "api_key: required")
	assert.ErrorContains(t, err, "project_id: required")
	assert.Equal(t, 2, strings.Count(err.Error(), "required"), err.Error())
}

func TestConfigMinimal(t *testing.T) {
	cfg, err := loadConfig(t, "minimal")
	require.NoError(t, err)
	require.NoError(t, confmap.Validate(cfg))
	want := createDefaultConfig().(*Config)
	want.APIKey = "test-key"
	want.ProjectID = "test-project"
	assert.Equal(t, want, cfg)
}

func TestConfigFull(t *testing.T) {
	cfg, err := loadConfig(t, "full")
	require.NoError(t, err)
	require.NoError(t, confmap.Validate(cfg))

	c := cfg.ClientConfig
	assert.Equal(t, "http://localhost:3000", c.Endpoint)
	assert.Equal(t, 5*time.Second, c.Timeout)
	assert.Equal(t, configcompression.TypeGzip, c.Compression)
	assert.Equal(t, "http://proxy.internal:3128", c.ProxyURL)
	assert.True(t, c.TLS.InsecureSkipVerify)
	team, ok := c.Headers.Get("X-Team")
	require.True(t, ok)
	assert.Equal(t, configopaque.String("llm-platform"), team)

	assert.Equal(t, configopaque.String("full-key"), cfg.APIKey)
	assert.Equal(t, "full-project", cfg.ProjectID)

	require.True(t, cfg.QueueConfig.HasValue())
	q := cfg.QueueConfig.Get()
	assert.Equal(t, 1, q.NumConsumers)
	assert.Equal(t, int64(5000), q.QueueSize)
	require.NotNil(t, q.StorageID)
	assert.Equal(t, component.MustNewID("file_storage"), *q.StorageID)

	r := cfg.RetryConfig
	assert.True(t, r.Enabled)
	assert.Equal(t, time.Second, r.InitialInterval)
	assert.Equal(t, 10*time.Second, r.MaxInterval)
	assert.Equal(t, 10*time.Minute, r.MaxElapsedTime)

	assert.Equal(t, 200, cfg.MaxRequestEvents)
	assert.Equal(t, 8, cfg.RequestsInFlight)
	assert.Equal(t, 262144, cfg.MaxRequestBytes)
	assert.Equal(t, translate.IdentitySettings{
		SessionIDKeys:   []string{"app.session"},
		UserIDKeys:      []string{"app.user", "enduser.id"},
		DeviceIDKeys:    []string{"app.device"},
		SessionFallback: translate.SessionFallbackNone,
		DefaultDeviceID: "gateway-7",
		TraceCacheSize:  500,
		TraceCacheTTL:   2 * time.Minute,
		AncestorWait:    45 * time.Second,
	}, cfg.Identity)
	assert.Equal(t, translate.LifecycleSettings{
		SessionIdleTimeout:      time.Hour,
		ConversationIdleTimeout: 20 * time.Minute,
		IdleCheckInterval:       time.Minute,
		MaxOpenSessions:         100,
		MaxOpenConversations:    300,
		EndOnShutdown:           false,
	}, cfg.Lifecycle)
	assert.Equal(t, 4096, cfg.MaxStringLength)
	assert.False(t, cfg.Evaluations)
}

func TestConfigUnlimitedStrings(t *testing.T) {
	cfg, err := loadConfig(t, "unlimited_strings")
	require.NoError(t, err)
	require.NoError(t, confmap.Validate(cfg))
	assert.Zero(t, cfg.MaxStringLength)
}

func TestConfigNoDefaultDevice(t *testing.T) {
	cfg, err := loadConfig(t, "no_default_device")
	require.NoError(t, err)
	require.NoError(t, confmap.Validate(cfg))
	assert.Empty(t, cfg.Identity.DefaultDeviceID)
}

func TestConfigNoQueue(t *testing.T) {
	cfg, err := loadConfig(t, "no_queue")
	require.NoError(t, err)
	require.NoError(t, confmap.Validate(cfg))
	assert.False(t, cfg.QueueConfig.HasValue())
}

func TestConfigInvalid(t *testing.T) {
	tests := []struct {
		name string
		want []string // each must appear in the error
	}{
		{"no_credentials", []string{"api_key: required", "project_id: required"}},
		{"empty_endpoint", []string{"endpoint: required"}},
		{"bad_scheme", []string{"endpoint:", "scheme must be http or https"}},
		{"endpoint_query", []string{"endpoint:", "query or fragment"}},
		{"endpoint_userinfo", []string{"endpoint: user info is not allowed"}},
		{"blank_api_key", []string{"api_key: required"}},
		{"api_key_newline", []string{"api_key: holds characters not allowed"}},
		{"authorization_header", []string{"headers: authorization is set from api_key"}},
		{"app_id_header", []string{"headers: X-App-ID is set from api_key and project_id"}},
		{"many_consumers", []string{"sending_queue::num_consumers: is 4; it must be 1"}},
		{"zero_requests_in_flight", []string{"requests_in_flight (WithRequestsInFlight): is 0; it must be between 1 and 256"}},
		{"many_requests_in_flight", []string{"requests_in_flight (WithRequestsInFlight): is 257; it must be between 1 and 256"}},
		{"zero_queue_size", []string{"sending_queue", "`queue_size` must be positive"}},
		{"bad_retry", []string{"retry_on_failure", "max_elapsed_time"}},
		{"zero_request_events", []string{"max_request_events (WithMaxRequestEvents): is 0"}},
		{"tiny_request_bytes", []string{"max_request_bytes (WithMaxRequestBytes): is 100"}},
		{"huge_request_bytes", []string{"max_request_bytes (WithMaxRequestBytes): is 2097152; it must be between 1024 and 1048576"}},
		{"empty_identity_key", []string{"identity::user_id_keys[1] (WithUserIDKeys): empty key"}},
		{"bad_session_fallback", []string{`identity::session_fallback (WithSessionFallback): "span_id" is not one of`}},
		{"long_default_device", []string{"identity::default_device_id (WithDefaultDeviceID): 102 characters"}},
		{"zero_session_timeout", []string{"lifecycle::session_idle_timeout (WithSessionIdleTimeout): is 0s"}},
		{"conversation_outlives_session", []string{"lifecycle::conversation_idle_timeout (WithConversationIdleTimeout): 1h0m0s is longer than the session idle timeout"}},
		{"negative_check_interval", []string{"lifecycle::idle_check_interval (WithIdleCheckInterval): is -1s"}},
		{"zero_trace_cache", []string{"identity::trace_cache_size (WithTraceCacheSize): is 0"}},
		{"zero_trace_ttl", []string{"identity::trace_cache_ttl (WithTraceCacheTTL): is 0s"}},
		{"negative_ancestor_wait", []string{"identity::ancestor_wait (WithAncestorWait): is -1s"}},
		{"zero_open_sessions", []string{"lifecycle::max_open_sessions (WithMaxOpenSessions): is 0"}},
		{"negative_open_conversations", []string{"lifecycle::max_open_conversations (WithMaxOpenConversations): is -5"}},
		{"small_string_length", []string{"max_string_length (WithMaxStringLength): is 8; it must be 0 (no limit) or at least 16"}},
		{"bad_compression", []string{"compression", "brotli9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(t, tt.name)
			if err == nil {
				err = confmap.Validate(cfg)
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			assert.NotContains(t, err.Error(), "secret", "errors must not echo credentials")
		})
	}
}

// The defaults keep one queue consumer whether or not the collector's
// batching feature gate changes the queue's defaults.
func TestDefaultQueueKeepsOrder(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	want := exporterhelper.NewDefaultQueueConfig()
	want.NumConsumers = 1
	assert.Equal(t, want, *cfg.QueueConfig.Get())
}
