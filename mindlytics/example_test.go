package mindlytics_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// A client sends a session's events to the batch endpoint. Here it talks to
// the loopback server of mindlyticstest; in production, leave out
// WithServerBase and take the key and project from MLSDK_API_KEY and
// MLSDK_PROJECT_ID.
func ExampleClient_SendEvents() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	client, err := mindlytics.NewClient(
		mindlytics.WithServerBase(srv.URL),
		mindlytics.WithAPIKey(srv.APIKey),
		mindlytics.WithProjectID(srv.ProjectID),
	)
	if err != nil {
		fmt.Println(err)
		return
	}

	id := mindlytics.Identity{SessionID: "session-1", UserID: "user-1"}
	start, _ := mindlytics.StartSession(id, nil)
	turn, _ := mindlytics.ConversationTurn(id, "conversation-1", mindlytics.Turn{
		User: "Where is my order?", Assistant: "It ships tomorrow.", Model: "gpt-4o",
		PromptTokens: 12, CompletionTokens: 7,
	})
	end, _ := mindlytics.EndSession(id, nil)
	if err := client.SendEvents(context.Background(), []mindlytics.Event{start, turn, end}); err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range srv.Events() {
		fmt.Println(ev.Kind())
	}
	// Output:
	// start_session
	// track:Conversation Turn
	// end_session
}

// Answers of the service other than 200 are *APIError values: the status,
// the service's message and the wait it asked for.
func ExampleAPIError() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.Throttle(1, 3*time.Second)
	client, _ := mindlytics.NewClient(
		mindlytics.WithServerBase(srv.URL),
		mindlytics.WithAPIKey(srv.APIKey),
		mindlytics.WithProjectID(srv.ProjectID),
	)

	err := client.AliasUser(context.Background(), "user-2", "user-1")
	var apiErr *mindlytics.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.RetryAfter, delivery.IsRetryable(err))
	}
	// Output:
	// 429 3s true
}

// SubscribeLive streams the service's live events until its context is
// cancelled, reconnecting on its own when the connection drops.
func ExampleClient_SubscribeLive() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	client, _ := mindlytics.NewClient(
		mindlytics.WithServerBase(srv.URL),
		mindlytics.WithLiveURL(srv.LiveURL()),
		mindlytics.WithAPIKey(srv.APIKey),
		mindlytics.WithProjectID(srv.ProjectID),
	)

	ctx, cancel := context.WithCancel(context.Background())
	connected := make(chan struct{}, 1)
	received := make(chan mindlytics.LiveEvent, 1)
	done := make(chan error)
	go func() {
		done <- client.SubscribeLive(ctx, mindlytics.LiveOptions{
			SessionID: "session-1",
			OnConnect: func() { connected <- struct{}{} },
			OnEvent:   func(ev mindlytics.LiveEvent) { received <- ev },
			OnError:   func(err error) { fmt.Println("error:", err) },
		})
	}()
	<-connected
	// The test server registers a socket just after the handshake.
	for srv.LiveConnections() == 0 {
		time.Sleep(time.Millisecond)
	}

	id := mindlytics.Identity{SessionID: "session-1", DeviceID: "device-1"}
	start, _ := mindlytics.StartSession(id, nil)
	if err := client.SendEvents(ctx, []mindlytics.Event{start}); err != nil {
		fmt.Println(err)
	}
	ev := <-received
	fmt.Println(ev.SessionID, ev.Event)

	cancel()
	fmt.Println("stopped:", <-done)
	// Output:
	// session-1 Session Started
	// stopped: <nil>
}
