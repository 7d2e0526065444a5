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

// Retryable reports whether sending the same request again may succeed:
// on 408, 429, 502, 503 and 504, the statuses the service's own JS client
// retries (mlsdk-js packages/core/src/queue.ts, docs/CONTRACT.md). A 500
// is not among them: it may be the answer to what the request holds, and
// the batch endpoint has no idempotency key, so the delivery rule tries it
// again only a few times and then splits it like a 400 (package
// internal/delivery).
func (e *APIError) Retryable() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
