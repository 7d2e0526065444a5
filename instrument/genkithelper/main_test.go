package genkithelper_test

import (
	"testing"

	"go.uber.org/goleak"
)

// genkit.Init watches for signals for as long as the process lives.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("os/signal.NotifyContext.func1"))
}
