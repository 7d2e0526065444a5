package devserver_test

import (
	"testing"

	"go.opentelemetry.io/otel"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The OTLP exporter reports the intake's partial successes (the spans
	// the tests make it drop) to the global handler, which logs them.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))
	goleak.VerifyTestMain(m)
}
