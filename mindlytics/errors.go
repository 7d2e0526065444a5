package mindlytics

import (
	"fmt"
	"net/http"
	"time"
)

// APIError is an answer from the service other than 200. It carries the
// status code and the service's message, never the request's credentials.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Message is the service's message (the body, or its "message"/"error"
	// field when it is JSON), trimmed and cut at 1 KiB.
	Message string
	// RetryAfter is the wait the service asked for in Retry-After; zero when
	// it asked for none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("mindlytics: %s %s: %d %s", e.Method, e.Path, e.StatusCode, msg)
}

// Retryable reports whether sending the same request again may succeed: on
// 408, 429 and 5xx other than 501.
func (e *APIError) Retryable() bool {
	switch {
	case e.StatusCode == http.StatusRequestTimeout, e.StatusCode == http.StatusTooManyRequests:
		return true
	case e.StatusCode == http.StatusNotImplemented:
		return false
	default:
		return e.StatusCode >= 500
	}
}
