package local

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mindlytics/mindlytics-otel/exporter"
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

// Exporter returns the exporter of the helper examples and the local
// server it sends to, or a nil server when MLSDK_SERVER_BASE names a
// Mindlytics (make dev's, or the service): the exporter then reads
// MLSDK_API_KEY, MLSDK_PROJECT_ID and MLSDK_SERVER_BASE itself. The caller
// closes the server it gets.
func Exporter(ctx context.Context, out io.Writer, opts ...exporter.Option) (*exporter.Exporter, *mindlyticstest.Server, error) {
	if base := os.Getenv("MLSDK_SERVER_BASE"); base != "" {
		fmt.Fprintf(out, "sending to the Mindlytics at %s (MLSDK_SERVER_BASE)\n", base)
		exp, err := exporter.New(ctx, opts...)
		return exp, nil, err
	}
	srv := mindlyticstest.NewServer()
	fmt.Fprintf(out, "local Mindlytics at %s\n", srv.URL)
	opts = append([]exporter.Option{exporter.WithClientOptions(srv.ClientOptions()...),
		exporter.WithAPIKey(srv.APIKey), exporter.WithProjectID(srv.ProjectID)}, opts...)
	exp, err := exporter.New(ctx, opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return exp, srv, nil
}
