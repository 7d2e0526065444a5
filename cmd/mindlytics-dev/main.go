// Command mindlytics-dev runs the local Mindlytics server of package
// mindlyticstest as a program, so that an app, the in-process exporter or an
// otelcol-mindlytics collector can be tried without the real service:
//
//	go run ./cmd/mindlytics-dev -addr 127.0.0.1:8765
//	MLSDK_SERVER_BASE=http://127.0.0.1:8765 MLSDK_API_KEY=dev-key MLSDK_PROJECT_ID=dev-project your-app
//
// It prints every event it accepts, one line each, and what it found out of
// order when it stops (Ctrl-C).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8765", "loopback address to listen on")
	apiKey := flag.String("api-key", "dev-key", "API key requests must carry")
	project := flag.String("project", "dev-project", "project id requests must carry in X-App-ID")
	flag.Parse()

	srv := mindlyticstest.NewServer(mindlyticstest.WithAddr(*addr),
		mindlyticstest.WithAPIKey(*apiKey), mindlyticstest.WithProjectID(*project))
	defer srv.Close()
	fmt.Printf("Local Mindlytics server at %s (live events: %s)\n", srv.URL, srv.LiveURL())
	fmt.Printf("  export MLSDK_SERVER_BASE=%s MLSDK_API_KEY=%s MLSDK_PROJECT_ID=%s\n\n", srv.URL, *apiKey, *project)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	printed := 0
	for ctx.Err() == nil {
		events := srv.Events()
		for _, ev := range events[printed:] {
			fmt.Printf("%s  session=%s  %s\n", ev.Timestamp, ev.SessionID, ev.Kind())
		}
		printed = len(events)
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	for _, v := range srv.Violations() {
		fmt.Println("out of order:", v)
	}
}
