package delivery

import (
	"fmt"
	"time"
)

// RequestSettings are the settings of the requests to the batch endpoint,
// defined once for both front doors: the in-process exporter's options
// set these fields and the collector component's YAML decodes into them,
// each key the snake_case of the option (WithMaxRequestEvents is
// max_request_events). [DefaultRequestSettings] holds the defaults and
// [RequestSettings.Validate] the one check.
type RequestSettings struct {
	// MaxRequestEvents is the most events one request carries.
	MaxRequestEvents int `mapstructure:"max_request_events"`
	// MaxRequestBytes is the largest request body, brackets and commas
	// included; between MinRequestBytes and MaxRequestBytes.
	MaxRequestBytes int `mapstructure:"max_request_bytes"`
	// RequestsInFlight is how many requests may be sent side by side; the
	// events are spread by session, so a session's events keep their order.
	RequestsInFlight int `mapstructure:"requests_in_flight"`
}

// Defaults and bounds of the settings both front doors share. The request
// timeout's default is the wire client's, wire.DefaultTimeout.
const (
	// DefaultRequestsInFlight sends a few requests at once: enough to hide
	// the service's latency, few enough to stay polite.
	DefaultRequestsInFlight = 4
	// MaxRequestsInFlight bounds RequestsInFlight.
	MaxRequestsInFlight = 256
	// DefaultRetryInitialInterval, DefaultRetryMaxInterval and
	// DefaultRetryMaxElapsed shape the exponential backoff of retries (the
	// in-process WithRetry, the collector's retry_on_failure). The max
	// interval is small: an analytics stream wants its requests going
	// again within seconds of the service's recovery.
	DefaultRetryInitialInterval = 200 * time.Millisecond
	DefaultRetryMaxInterval     = 3 * time.Second
	DefaultRetryMaxElapsed      = 5 * time.Minute
)

// DefaultRequestSettings returns the defaults of both front doors.
func DefaultRequestSettings() RequestSettings {
	return RequestSettings{
		MaxRequestEvents: DefaultMaxRequestEvents,
		MaxRequestBytes:  DefaultMaxRequestBytes,
		RequestsInFlight: DefaultRequestsInFlight,
	}
}

// Limits are the bounds of one request.
func (s RequestSettings) Limits() Limits {
	return Limits{MaxEvents: s.MaxRequestEvents, MaxBytes: s.MaxRequestBytes}
}

// Validate returns one error per invalid setting, each naming the
// collector key and the exporter option, as the translation's settings
// do, so that the message fits whichever front door the user configured.
func (s RequestSettings) Validate() []error {
	var errs []error
	bad := func(key, option, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s (%s): %s", key, option, fmt.Sprintf(format, args...)))
	}
	if s.MaxRequestEvents < 1 {
		bad("max_request_events", "WithMaxRequestEvents", "is %d; it must be at least 1", s.MaxRequestEvents)
	}
	if s.MaxRequestBytes < MinRequestBytes || s.MaxRequestBytes > MaxRequestBytes {
		bad("max_request_bytes", "WithMaxRequestBytes", "is %d; it must be between %d and %d",
			s.MaxRequestBytes, MinRequestBytes, MaxRequestBytes)
	}
	if s.RequestsInFlight < 1 || s.RequestsInFlight > MaxRequestsInFlight {
		bad("requests_in_flight", "WithRequestsInFlight", "is %d; it must be between 1 and %d",
			s.RequestsInFlight, MaxRequestsInFlight)
	}
	return errs
}
