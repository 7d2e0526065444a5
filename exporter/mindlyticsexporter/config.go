package mindlyticsexporter

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Config is the configuration of the mindlytics exporter. README.md lists
// every setting with its default.
type Config struct {
	// ClientConfig holds the HTTP settings: endpoint (the service's base URL),
	// TLS, proxy_url, timeout, compression, headers, ….
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// APIKey is sent as "Authorization: Bearer <api_key>". Required.
	APIKey configopaque.String `mapstructure:"api_key"`

	// ProjectID is sent in X-App-ID. Required.
	ProjectID string `mapstructure:"project_id"`

	// QueueConfig is exporterhelper's sending queue. It holds translated
	// events, so a persistent queue keeps them across restarts. It must keep
	// one consumer: the events of a session have to reach the service in
	// order.
	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`

	// RetryConfig is exporterhelper's retry on transport errors, 408, 429 and
	// 5xx; a Retry-After from the service is a floor for the wait.
	RetryConfig configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// MaxRequestEvents and MaxRequestBytes bound one request to the batch
	// endpoint; larger batches go out as several requests, in order.
	MaxRequestEvents int `mapstructure:"max_request_events"`
	MaxRequestBytes  int `mapstructure:"max_request_bytes"`

	// Identity says where the session, user and device ids are found.
	Identity IdentityConfig `mapstructure:"identity"`

	// Lifecycle says when idle sessions and conversations are ended.
	Lifecycle LifecycleConfig `mapstructure:"lifecycle"`

	// MaxStringLength cuts longer string values (turn texts, tool arguments
	// and results, properties), in characters; the cut is marked. 0: no
	// limit.
	MaxStringLength int `mapstructure:"max_string_length"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// IdentityConfig says where the translation finds a span's session, user
// and device ids, and what it does when there are none.
type IdentityConfig struct {
	// SessionIDKeys, UserIDKeys and DeviceIDKeys are attribute keys looked up
	// (on the span, then on its resource) before the built-in ones.
	SessionIDKeys []string `mapstructure:"session_id_keys"`
	UserIDKeys    []string `mapstructure:"user_id_keys"`
	DeviceIDKeys  []string `mapstructure:"device_id_keys"`

	// SessionFallback is the session id of a span whose trace has none:
	// "trace_id" (the trace is the session) or "none" (the span is dropped).
	SessionFallback string `mapstructure:"session_fallback"`

	// DefaultDeviceID is the device id of a session with neither user nor
	// device id; Mindlytics requires one of the two. Empty drops such spans.
	DefaultDeviceID string `mapstructure:"default_device_id"`

	// TraceCacheSize and TraceCacheTTL bound the memory of the identities
	// seen per trace, which spans of the same trace without ids of their own
	// take (some pipelines put the session id on the root span only).
	TraceCacheSize int           `mapstructure:"trace_cache_size"`
	TraceCacheTTL  time.Duration `mapstructure:"trace_cache_ttl"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// LifecycleConfig says when the exporter ends sessions and conversations
// that the spans never end explicitly.
type LifecycleConfig struct {
	// SessionIdleTimeout ends a session (and its open conversations) after
	// this long without a span.
	SessionIdleTimeout time.Duration `mapstructure:"session_idle_timeout"`

	// ConversationIdleTimeout ends a conversation after this long without a
	// span; at most SessionIdleTimeout.
	ConversationIdleTimeout time.Duration `mapstructure:"conversation_idle_timeout"`

	// CheckInterval is how often idle sessions and conversations are looked
	// for.
	CheckInterval time.Duration `mapstructure:"check_interval"`

	// MaxOpenSessions and MaxOpenConversations bound the state; opening one
	// more ends the least recently active.
	MaxOpenSessions      int `mapstructure:"max_open_sessions"`
	MaxOpenConversations int `mapstructure:"max_open_conversations"`

	// EndOnShutdown ends every open session when the exporter shuts down.
	// The state of open sessions lives in memory and is lost with the
	// process: ending them keeps every conversation analysed, at the price of
	// a second start_session if a session goes on after a restart.
	EndOnShutdown bool `mapstructure:"end_on_shutdown"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Values of IdentityConfig.SessionFallback.
const (
	SessionFallbackTraceID = "trace_id"
	SessionFallbackNone    = "none"
)

var _ component.Config = (*Config)(nil)

// Validate checks the configuration; each error names the setting.
func (cfg *Config) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if err := checkEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		add("endpoint", "%v", err)
	}
	switch key := string(cfg.APIKey); {
	case strings.TrimSpace(key) == "":
		add("api_key", "required")
	case hasControl(key):
		add("api_key", "holds characters not allowed in an HTTP header")
	}
	switch {
	case strings.TrimSpace(cfg.ProjectID) == "":
		add("project_id", "required")
	case hasControl(cfg.ProjectID):
		add("project_id", "%q holds characters not allowed in an HTTP header", cfg.ProjectID)
	}
	for name := range cfg.ClientConfig.Headers.Iter {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "X-App-Id":
			add("headers", "%s is set from api_key and project_id and cannot be overridden", name)
		}
	}
	if q := cfg.QueueConfig.Get(); q != nil && q.NumConsumers > 1 {
		add("sending_queue::num_consumers", "is %d; it must be 1 so that the events of a session reach the service in order (scale out with more collectors behind the load_balancing exporter)", q.NumConsumers)
	}
	if cfg.MaxRequestEvents < 1 {
		add("max_request_events", "is %d; it must be at least 1", cfg.MaxRequestEvents)
	}
	if cfg.MaxRequestBytes < minRequestBytes {
		add("max_request_bytes", "is %d; it must be at least %d", cfg.MaxRequestBytes, minRequestBytes)
	}
	errs = append(errs, cfg.Identity.validate()...)
	errs = append(errs, cfg.Lifecycle.validate()...)
	if cfg.MaxStringLength != 0 && cfg.MaxStringLength < minStringLength {
		add("max_string_length", "is %d; it must be 0 (no limit) or at least %d", cfg.MaxStringLength, minStringLength)
	}
	return errors.Join(errs...)
}

// Lower bounds of the size settings: below them no real event fits.
const (
	minRequestBytes = 4 << 10
	minStringLength = 16
)

func (c IdentityConfig) validate() []error {
	var errs []error
	for _, keys := range []struct {
		field string
		keys  []string
	}{
		{"identity::session_id_keys", c.SessionIDKeys},
		{"identity::user_id_keys", c.UserIDKeys},
		{"identity::device_id_keys", c.DeviceIDKeys},
	} {
		for i, k := range keys.keys {
			if strings.TrimSpace(k) == "" {
				errs = append(errs, fmt.Errorf("%s[%d]: empty key", keys.field, i))
			}
		}
	}
	switch c.SessionFallback {
	case SessionFallbackTraceID, SessionFallbackNone:
	default:
		errs = append(errs, fmt.Errorf("identity::session_fallback: %q is not one of %q, %q",
			c.SessionFallback, SessionFallbackTraceID, SessionFallbackNone))
	}
	if n := len([]rune(c.DefaultDeviceID)); n > maxIDLength {
		errs = append(errs, fmt.Errorf("identity::default_device_id: %d characters, at most %d allowed", n, maxIDLength))
	}
	if c.TraceCacheSize < 1 {
		errs = append(errs, fmt.Errorf("identity::trace_cache_size: is %d; it must be at least 1", c.TraceCacheSize))
	}
	if c.TraceCacheTTL <= 0 {
		errs = append(errs, fmt.Errorf("identity::trace_cache_ttl: is %s; it must be positive", c.TraceCacheTTL))
	}
	return errs
}

// maxIDLength is the longest id the service accepts.
const maxIDLength = 100

func (c LifecycleConfig) validate() []error {
	var errs []error
	for _, d := range []struct {
		field string
		value time.Duration
	}{
		{"lifecycle::session_idle_timeout", c.SessionIdleTimeout},
		{"lifecycle::conversation_idle_timeout", c.ConversationIdleTimeout},
		{"lifecycle::check_interval", c.CheckInterval},
	} {
		if d.value <= 0 {
			errs = append(errs, fmt.Errorf("%s: is %s; it must be positive", d.field, d.value))
		}
	}
	for _, n := range []struct {
		field string
		value int
	}{
		{"lifecycle::max_open_sessions", c.MaxOpenSessions},
		{"lifecycle::max_open_conversations", c.MaxOpenConversations},
	} {
		if n.value < 1 {
			errs = append(errs, fmt.Errorf("%s: is %d; it must be at least 1", n.field, n.value))
		}
	}
	if c.ConversationIdleTimeout > c.SessionIdleTimeout && c.SessionIdleTimeout > 0 {
		errs = append(errs, fmt.Errorf("lifecycle::conversation_idle_timeout: %s is longer than session_idle_timeout (%s)",
			c.ConversationIdleTimeout, c.SessionIdleTimeout))
	}
	return errs
}

// checkEndpoint accepts an absolute http or https URL with a host and
// nothing that would leak into every request.
func checkEndpoint(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("required")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q: scheme must be http or https", raw)
	case u.Host == "":
		return fmt.Errorf("%q: no host", raw)
	case u.User != nil:
		return errors.New("user info is not allowed in the URL; use api_key")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q: a query or fragment is not allowed", raw)
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f {
			return true
		}
	}
	return false
}
