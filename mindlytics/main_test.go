package mindlytics

import (
	"testing"

	"go.uber.org/goleak"
)

// The live client starts goroutines and the HTTP tests leave connections
// behind: every one must be gone when the tests end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
