// Command live listens to a session's live events: the service's own
// processing of the session and its errors (MLError), until the service
// says "Session Ended".
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
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

	var mu sync.Mutex // the callbacks run on the stream's goroutine
	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{
		ID: "live-session", UserID: "user-live",
		OnEvent: func(ev mindlytics.LiveEvent) {
			mu.Lock()
			defer mu.Unlock()
			if user, ok := ev.Properties["user"]; ok {
				fmt.Fprintf(out, "live: %s (user: %v)\n", ev.Event, user)
				return
			}
			fmt.Fprintf(out, "live: %s\n", ev.Event)
		},
		OnError:    func(err error) { mu.Lock(); defer mu.Unlock(); fmt.Fprintf(out, "live error: %v\n", err) },
		WaitForEnd: 10 * time.Second,
	})
	if err != nil {
		return err
	}
	if err := session.TrackTurn(ctx, instrument.Turn{User: "Is it live?", Assistant: "It is."}); err != nil {
		return err
	}
	// End flushes, waits for "Session Ended", then stops listening.
	return session.End(ctx)
}
