package mindlyticstest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// A test starts a server, points the code under test at it (here, a plain
// HTTP request), and reads back what the server accepted.
func Example() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()

	body := `[
		{"type":"start_session","session_id":"s1","id":"user-1","timestamp":"2025-03-01T12:00:00Z"},
		{"type":"track","event":"Signed Up","session_id":"s1","properties":{"plan":"pro","seats":3}}
	]`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bc/v1/events/queue", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	req.Header.Set("X-App-ID", srv.ProjectID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	events, err := srv.WaitForEvents(ctx, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range events {
		fmt.Println(ev.Kind(), ev.SessionID, ev.Properties)
	}
	fmt.Println("violations:", len(srv.Violations()))
	// Output:
	// 200 OK
	// start_session s1 map[]
	// track:Signed Up s1 map[plan:pro seats:3]
	// violations: 0
}

// Faults make the server misbehave for the next requests to the event and
// user endpoints, to test retries.
func ExampleServer_Throttle() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.Throttle(1, 1500*time.Millisecond)
	srv.FailNext(503)

	for range 3 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bc/v1/events/queue", strings.NewReader("[]"))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("X-App-ID", srv.ProjectID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, r := range srv.Requests() {
		fmt.Printf("%d %q\n", r.Status, r.Fault)
	}
	// Output:
	// 429 Retry-After="2"
	// 503 Retry-After=""
	// 200 Retry-After=""
	// 429 "throttle"
	// 503 "fail-next"
	// 200 ""
}

// ClientOptions points the project's own client at the server.
func ExampleServer_ClientOptions() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	client, err := mindlytics.NewClient(srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, _ := mindlytics.StartSession(mindlytics.Identity{SessionID: "s1", UserID: "u1"}, nil)
	if err := client.SendEvents(context.Background(), []mindlytics.Event{ev}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.Events()[0].Type)
	// Output: start_session
}
