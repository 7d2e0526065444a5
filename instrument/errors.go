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
