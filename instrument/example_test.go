package instrument_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// A session with one turn, against a local server.
func Example() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := instrument.New(ctx, instrument.WithClientOptions(srv.ClientOptions()...))
	if err != nil {
		panic(err)
	}
	ctx, session, err := client.StartSession(ctx, instrument.SessionConfig{ID: "s-42", UserID: "u-7"})
	if err != nil {
		panic(err)
	}
	_ = session.TrackTurn(ctx, instrument.Turn{User: "Hi!", Assistant: "Hello, how can I help?"})
	_ = session.End(ctx)

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = client.Shutdown(shutdownCtx)
	for _, ev := range srv.Events() {
		fmt.Println(ev.Kind())
	}
	// Output:
	// start_session
	// track:Conversation Started
	// track:Conversation Turn
	// track:Conversation Ended
	// end_session
}

// A turn started before the answer is known: the model and tool spans of
// the work in between are its children.
func ExampleSession_StartTurn() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, _ := instrument.New(ctx, instrument.WithClientOptions(srv.ClientOptions()...))
	defer client.Shutdown(ctx)
	ctx, session, _ := client.StartSession(ctx, instrument.SessionConfig{ID: "s-1", UserID: "u-1"})

	tctx, turn, err := session.StartTurn(ctx, "What's the weather?")
	if err != nil {
		panic(err)
	}
	_, fn, _ := session.StartFunction(tctx, "weather", `{"city":"Paris"}`)
	_ = fn.End("sunny", nil)
	_ = turn.End(instrument.Turn{Assistant: "Sunny."})

	_ = client.Flush(ctx)
	for _, ev := range srv.Events() {
		fmt.Println(ev.Kind())
	}
	// Output:
	// start_session
	// track:Conversation Started
	// track:Conversation Function
	// track:Conversation Turn
}

// Importing the past: every call takes the time the event happened.
func ExampleAt() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, _ := instrument.New(ctx, instrument.WithClientOptions(srv.ClientOptions()...))
	defer client.Shutdown(ctx)
	then := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	ctx, session, _ := client.StartSession(ctx, instrument.SessionConfig{ID: "s-old", UserID: "u-1", Timestamp: then})
	_ = session.TrackTurn(ctx, instrument.Turn{User: "Hi", Assistant: "Hello"}, instrument.At(then.Add(time.Minute)))
	_ = client.Flush(ctx)
	for _, ev := range srv.Events() {
		fmt.Println(ev.Kind(), ev.Timestamp)
	}
	// Output:
	// start_session 2024-05-01T12:00:00.000000Z
	// track:Conversation Started 2024-05-01T12:01:00.000000Z
	// track:Conversation Turn 2024-05-01T12:01:00.000000Z
}

// The middleware joins the session a request's headers name.
func ExampleClient_Middleware() {
	var client *instrument.Client // from instrument.New
	chat := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if session := instrument.SessionFromContext(r.Context()); session != nil {
			_ = session.TrackTurn(r.Context(), instrument.Turn{User: r.FormValue("q"), Assistant: "…"})
		}
	})
	if client != nil {
		http.Handle("/chat", client.Middleware(instrument.Headers{SessionID: "X-Chat-Session"})(chat))
	}
}
