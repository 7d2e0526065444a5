package delivery

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestSettingsValidate(t *testing.T) {
	assert.Empty(t, DefaultRequestSettings().Validate())
	tests := []struct {
		name string
		edit func(*RequestSettings)
		want string
	}{
		{"no events", func(s *RequestSettings) { s.MaxRequestEvents = 0 }, "max_request_events (WithMaxRequestEvents): is 0; it must be at least 1"},
		{"too few bytes", func(s *RequestSettings) { s.MaxRequestBytes = MinRequestBytes - 1 }, "max_request_bytes (WithMaxRequestBytes): is 1023; it must be between 1024 and 1048576"},
		{"too many bytes", func(s *RequestSettings) { s.MaxRequestBytes = MaxRequestBytes + 1 }, "max_request_bytes (WithMaxRequestBytes): is 1048577"},
		{"none in flight", func(s *RequestSettings) { s.RequestsInFlight = 0 }, "requests_in_flight (WithRequestsInFlight): is 0; it must be between 1 and 256"},
		{"too many in flight", func(s *RequestSettings) { s.RequestsInFlight = MaxRequestsInFlight + 1 }, "requests_in_flight (WithRequestsInFlight): is 257"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultRequestSettings()
			tt.edit(&s)
			errs := s.Validate()
			if assert.Len(t, errs, 1) {
				assert.Contains(t, errs[0].Error(), tt.want)
			}
		})
	}
}

func TestRequestSettingsLimits(t *testing.T) {
	s := RequestSettings{MaxRequestEvents: 7, MaxRequestBytes: 2048, RequestsInFlight: 1}
	assert.Equal(t, Limits{MaxEvents: 7, MaxBytes: 2048}, s.Limits())
}
