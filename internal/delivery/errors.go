package delivery

import (
	"context"
	"errors"
	"net/http"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// How the front doors read the client's errors: whether to retry, to
// split a batch, which status to report.

// IsRetryable reports whether err is worth retrying: a retryable
// [*mindlytics.APIError] or a transport failure. Validation errors, other answers of
// the service, a TLS certificate the client does not accept and a
// cancelled context are not. A per-request timeout is
// retryable; a caller whose own deadline passed should check its context.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *mindlytics.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	var valErr *mindlytics.ValidationError
	if errors.As(err, &valErr) {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if wire.IsCertificateError(err) {
		return false
	}
	return true
}

// StatusCode returns the status code of the [*mindlytics.APIError] in err's chain, or 0.
func StatusCode(err error) int {
	var apiErr *mindlytics.APIError
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
