package mindlyticsexporter

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// Config is the configuration of the mindlytics exporter. README.md lists
// every setting with its default. The settings the in-process exporter has
// too are the same Go types (delivery.RequestSettings, translate.Settings),
// each key the snake_case of the exporter's option; the collector's own
// keys (endpoint, timeout and the other HTTP settings, sending_queue,
// retry_on_failure) are confighttp's and exporterhelper's.
type Config struct {
	// ClientConfig holds the HTTP settings: endpoint (the service's base URL),
	// TLS, proxy_url, timeout (of one request, as the exporter's
	// WithTimeout), compression, headers, ….
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// APIKey is sent as "Authorization: Bearer <api_key>". Required.
	APIKey configopaque.String `mapstructure:"api_key"`

	// ProjectID is sent in X-App-ID. Required.
	ProjectID string `mapstructure:"project_id"`

	// QueueConfig is exporterhelper's sending queue. It holds translated
	// events, so a persistent queue keeps them across restarts. It must keep
	// one consumer: the events of a session have to reach the service in
	// order (RequestsInFlight is how a batch goes out side by side).
	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`

	// RetryConfig is exporterhelper's retry on transport errors, 408, 429,
	// 502, 503 and 504, the exporter's WithRetry; a Retry-After from the
	// service is a floor for the wait.
	RetryConfig configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// RequestSettings bound the requests to the batch endpoint
	// (max_request_events, max_request_bytes: larger batches go out as
	// several requests, in order) and how many go side by side
	// (requests_in_flight: a batch of the queue larger than one request is
	// partitioned by session and the partitions go out concurrently, each
	// session's events in order within its partition; push.go; in the
	// collector's pipelined queue, the session slots ready at once share
	// as few requests as fit: turns.go).
	delivery.RequestSettings `mapstructure:",squash"`

	// Settings are the translation's settings (identity::…, lifecycle::…,
	// max_string_length, evaluations, redaction), defined once for both
	// front doors: each key is the snake_case of the in-process exporter's
	// option. The redaction: block (off when absent) is package
	// redaction's Config, as WithRedaction takes it (redaction.go).
	translate.Settings `mapstructure:",squash"`

	// Tenants, when set, chooses the API key and project of each request
	// from its client metadata or resource (tenants_config.go): each
	// tenant is queued and sent apart. api_key and project_id are then the
	// default project, for unknown: default.
	Tenants configoptional.Optional[TenantsConfig] `mapstructure:"tenants"`

	// prevent unkeyed literal initialization
	_ struct{}
}

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
	tenants := cfg.Tenants.Get()
	if tenants == nil || tenants.Unknown != UnknownRefuse {
		// The exporter's project, or the tenants' default one.
		errs = append(errs, checkProject("", cfg.APIKey, cfg.ProjectID)...)
	}
	if tenants != nil {
		errs = append(errs, tenants.validate(cfg.APIKey, cfg.ProjectID)...)
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
	errs = append(errs, cfg.RequestSettings.Validate()...)
	errs = append(errs, cfg.Settings.Validate()...)
	return errors.Join(errs...)
}

// checkProject checks an API key and project id; prefix is where they
// sit ("" at the top, tenants::projects::<name>:: in the tenant block).
// The key itself is never in a message.
func checkProject(prefix string, apiKey configopaque.String, projectID string) []error {
	var errs []error
	switch key := string(apiKey); {
	case strings.TrimSpace(key) == "":
		errs = append(errs, fmt.Errorf("%sapi_key: required", prefix))
	case hasControl(key):
		errs = append(errs, fmt.Errorf("%sapi_key: holds characters not allowed in an HTTP header", prefix))
	}
	switch {
	case strings.TrimSpace(projectID) == "":
		errs = append(errs, fmt.Errorf("%sproject_id: required", prefix))
	case hasControl(projectID):
		errs = append(errs, fmt.Errorf("%sproject_id: %q holds characters not allowed in an HTTP header", prefix, projectID))
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
