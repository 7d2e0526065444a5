// Command minimal is the smallest program: a client, a session, one turn,
// and a shutdown that delivers everything.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

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
		// A deadline: never hold the exit for long if the service is down.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Shutdown(ctx)
	}()

	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{ID: "minimal-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	if err := session.TrackTurn(ctx, instrument.Turn{
		User:      "What can you do?",
		Assistant: "I answer questions about your orders.",
		Usage:     instrument.Usage{Model: "gpt-4o-mini", PromptTokens: 18, CompletionTokens: 9},
	}); err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := client.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "session %s sent; errors: %v\n", session.ID(), session.Errors())
	return nil
}
