package mindlytics

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
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

// IsRetryable reports whether err is worth retrying: a retryable
// [*APIError] or a transport failure. Validation errors, other answers of
// the service, a TLS certificate the client does not accept and a
// cancelled context are not. A per-request timeout is
// retryable; a caller whose own deadline passed should check its context.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	var valErr *ValidationError
	if errors.As(err, &valErr) {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if isCertificateError(err) {
		return false
	}
	return true
}

// isCertificateError reports a TLS certificate the client does not accept:
// untrusted, expired, for another host. Retrying cannot fix it.
func isCertificateError(err error) bool {
	var (
		verifyErr   *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostErr) || errors.As(err, &invalidErr)
}

// StatusCode returns the status code of the [*APIError] in err's chain, or 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsSplittable reports whether the service refused a batch for what it holds
// (400: some event is invalid; 413: too large) rather than the request as
// such: sending its halves separately lets the good events land.
func IsSplittable(err error) bool {
	switch StatusCode(err) {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return true
	}
	return false
}
