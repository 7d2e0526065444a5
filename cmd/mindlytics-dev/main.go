// Command mindlytics-dev is the local Mindlytics: the service contract of
// package mindlyticstest (checking the key and project it was started
// with), keeping what it accepts in a bbolt file (--data) so that it
// survives a crash and a restart; an OTLP/HTTP intake (/v1/traces,
// /v1/logs; JSON or protobuf, gzip or not) that runs the exporters'
// translation; and a live web page. All on one loopback port:
//
//	go run ./cmd/mindlytics-dev --addr 127.0.0.1:8765 --data mindlytics-dev.db
//	MLSDK_SERVER_BASE=http://127.0.0.1:8765 MLSDK_API_KEY=dev-key MLSDK_PROJECT_ID=dev-project your-app
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:8765 your-otel-app
//
// and open http://127.0.0.1:8765/ui/. It stops on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8765", "loopback address to listen on")
	apiKey := flag.String("api-key", "dev-key", "API key requests must carry")
	project := flag.String("project", "dev-project", "project id requests must carry in X-App-ID")
	data := flag.String("data", "mindlytics-dev.db", "file that keeps what the server accepted")
	flag.Parse()

	if !devserver.IsLoopback(*addr) {
		fmt.Fprintf(os.Stderr, "mindlytics-dev: warning: --addr %s is not a loopback address: whoever reaches it can read every conversation and send events with the dev key\n", *addr)
	}
	srv, err := devserver.New(devserver.Config{Addr: *addr, APIKey: *apiKey, ProjectID: *project, DataPath: *data})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mindlytics-dev:", err)
		os.Exit(1)
	}
	for _, skipped := range srv.Store().Skipped() {
		fmt.Fprintln(os.Stderr, "mindlytics-dev: warning: skipped a record the store could not read:", skipped)
	}
	entries, _ := srv.Store().Entries()
	fmt.Printf("Local Mindlytics at %s (data: %s, %d entries kept)\n", srv.URL(), *data, len(entries))
	fmt.Printf("  page:  %s\n", srv.PageURL())
	fmt.Printf("  apps:  export MLSDK_SERVER_BASE=%s MLSDK_API_KEY=%s MLSDK_PROJECT_ID=%s\n", srv.URL(), *apiKey, *project)
	fmt.Printf("  OTLP:  export OTEL_EXPORTER_OTLP_ENDPOINT=%s  (http/protobuf or http/json)\n", srv.URL())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	for _, v := range srv.Contract.Violations() {
		fmt.Println("out of order:", v)
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "mindlytics-dev:", err)
		os.Exit(1)
	}
}
