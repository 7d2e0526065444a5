// Command twoservices joins two services by W3C baggage: service A starts
// a session and a conversation and calls service B over HTTP through
// otelhttp; B's middleware finds the session in the baggage, so B's spans
// carry A's ids and B's turn lands in A's session and conversation.
//
// Both services run in this one process and share one client. Two
// processes, each with a client and exporter of its own, work the same: the
// baggage marks the session as A's, so B's spans say they joined it and B's
// exporter neither starts nor ends it (see the instrument package docs).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	client, err := instrument.New(ctx, opts...)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Shutdown(ctx)
	}()
	tp := client.TracerProvider()
	// Baggage must be propagated, not only the trace context.
	prop := otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	// Service B: otelhttp outside (it extracts the baggage), then the
	// middleware (it joins the session).
	b := otelhttp.NewHandler(client.Middleware(instrument.Headers{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session := instrument.SessionFromContext(r.Context())
		if session == nil {
			http.Error(w, "no session in the baggage", http.StatusBadRequest)
			return
		}
		if err := session.TrackTurn(r.Context(), instrument.Turn{User: "summarise my order", Assistant: "2 items, shipped."}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "B answered in session %s", session.ID())
	})), "service-b", otelhttp.WithTracerProvider(tp), prop)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Shutdown(context.Background()) }()

	// Service A.
	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{ID: "two-services-session", UserID: "user-ab"})
	if err != nil {
		return err
	}
	ctx, err = session.StartConversation(ctx, "two-services-conv")
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp), prop)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/summary", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "A got: %s\n", body)
	if err := session.End(ctx); err != nil {
		return err
	}
	return client.Flush(ctx)
}
