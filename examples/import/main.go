// Command import sends past conversations with their original timestamps,
// as an import from a chat log would.
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

// logEntry is one line of an old chat log.
type logEntry struct {
	at              time.Time
	user, assistant string
}

// history is what the import reads: one conversation of last year.
var history = []logEntry{
	{time.Date(2024, 11, 2, 10, 0, 5, 0, time.UTC), "Hi, my parcel is late.", "Sorry! What is the order number?"},
	{time.Date(2024, 11, 2, 10, 0, 40, 0, time.UTC), "A-1042.", "It ships tomorrow; you get a 5 € voucher."},
}

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

	start := history[0].at.Add(-5 * time.Second)
	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{
		ID: "import-2024-11-02-a1042", UserID: "customer-77", Timestamp: start,
		Attributes: instrument.Properties{"source": "chat-log"},
	})
	if err != nil {
		return err
	}
	ctx, err = session.StartConversation(ctx, "conv-a1042", instrument.At(start))
	if err != nil {
		return err
	}
	for _, e := range history {
		if err := session.TrackTurn(ctx, instrument.Turn{User: e.user, Assistant: e.assistant}, instrument.At(e.at)); err != nil {
			return err
		}
	}
	end := history[len(history)-1].at.Add(time.Minute)
	if err := session.EndConversation(ctx, instrument.At(end)); err != nil {
		return err
	}
	if err := session.End(ctx, instrument.At(end)); err != nil {
		return err
	}
	if err := client.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %d turns of %s\n", len(history), start.Format(time.DateOnly))
	return nil
}
