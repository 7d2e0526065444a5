package queue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/queue"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func Example() {
	srv := mindlyticstest.NewServer() // stands in for the service
	defer srv.Close()
	client, err := mindlytics.NewClient(mindlytics.WithServerBase(srv.URL),
		mindlytics.WithAPIKey(srv.APIKey), mindlytics.WithProjectID(srv.ProjectID))
	if err != nil {
		panic(err)
	}
	defer client.CloseIdleConnections()

	q, err := queue.New(client, queue.WithErrorHandler(func(e queue.Error) {
		fmt.Println("not delivered:", e)
	}))
	if err != nil {
		panic(err)
	}

	id := mindlytics.Identity{SessionID: "session-1", UserID: "user-1", Time: time.Now()}
	start, _ := mindlytics.StartSession(id, nil)
	q.Enqueue(compact.Of(start)) // returns at once; the event is sent in the background
	id.Time = id.Time.Add(time.Millisecond)
	clicked, _ := mindlytics.Track(id, "", "Clicked", mindlytics.Properties{"button": "buy"})
	q.Enqueue(compact.Of(clicked))

	// At exit: send what is queued, then stop.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Shutdown(ctx); err != nil {
		fmt.Println("shutdown:", err)
	}
	fmt.Println("events sent:", q.Stats().Sent, "received:", len(srv.Events()))
	// Output: events sent: 2 received: 2
}
