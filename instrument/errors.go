package instrument

import (
	"errors"

	"github.com/mindlytics/mindlytics-otel/exporter"
)

// sessionIDOf returns the session an exporter error is about, "" when it is
// about none. This is the one place that knows the exporter's error type.
func sessionIDOf(err error) string {
	if e, ok := errors.AsType[*exporter.Error](err); ok {
		return e.SessionID
	}
	return ""
}

// isServiceWide reports whether err is about the service rather than one
// session: it is not accepting events (unreachable, failing, throttling)
// while the retries go on. Every open session is told, and the client's
// handler too.
func isServiceWide(err error) bool {
	e, ok := errors.AsType[*exporter.Error](err)
	return ok && e.Kind == exporter.ErrorRetrying
}
