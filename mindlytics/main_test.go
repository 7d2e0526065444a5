package mindlytics

import (
	"context"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// The live client starts goroutines and the HTTP tests leave connections
// behind: every one must be gone when the tests end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// isRetryable is internal/delivery.IsRetryable, the rule the front doors
// apply to this client's errors, which the tests of this package cannot
// import (it imports this package): they check what the rule reads of each
// error, its kind.
func isRetryable(err error) bool {
	var apiErr *APIError
	var valErr *ValidationError
	switch {
	case err == nil, errors.As(err, &valErr), errors.Is(err, context.Canceled), wire.IsCertificateError(err):
		return false
	case errors.As(err, &apiErr):
		return apiErr.Retryable()
	}
	return true
}

// statusCode is the status of the *APIError in err's chain, or 0.
func statusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}
