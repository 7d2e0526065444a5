package local

import (
	"fmt"
	"io"
	"os"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Options returns the client options of the examples and a function that
// stops the local server, if one was started. With MLSDK_SERVER_BASE set,
// the client reads MLSDK_API_KEY, MLSDK_PROJECT_ID and MLSDK_SERVER_BASE
// itself (and MLSDK_LIVE_URL is not read: give a live URL in code).
func Options(out io.Writer) ([]instrument.Option, func()) {
	if os.Getenv("MLSDK_SERVER_BASE") != "" {
		return nil, func() {}
	}
	srv := mindlyticstest.NewServer()
	fmt.Fprintf(out, "local Mindlytics at %s\n", srv.URL)
	return []instrument.Option{instrument.WithClientOptions(srv.ClientOptions()...)}, srv.Close
}
