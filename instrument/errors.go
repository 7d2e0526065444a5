package instrument

import (
	"errors"

	"github.com/mindlytics/mindlytics-otel/exporter/queue"
)

// sessionIDOf returns the session an exporter error is about, "" when it is
// about none. This is the one place that knows the exporter's error type.
func sessionIDOf(err error) string {
	var qe queue.Error
	if errors.As(err, &qe) {
		return qe.SessionID
	}
	return ""
}
