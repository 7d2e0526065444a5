// Package mindlyticstest runs a Mindlytics service on a loopback port for
// tests, as net/http/httptest runs an HTTP server: a real HTTP and websocket
// server that holds requests to the service contract strictly, records what
// it accepts, streams live events and injects faults on demand.
//
//	srv := mindlyticstest.NewServer()
//	defer srv.Close()
//	// point the code under test at srv.URL, srv.APIKey, srv.ProjectID
//	// (and srv.LiveURL() for live events), run it, then:
//	events, err := srv.WaitForEvents(ctx, 3)
//
// # The contract
//
// Every endpoint of the contract is served: POST /bc/v1/events/queue (a
// JSON array, accepted whole or rejected whole with a 400 naming the index
// and field of the first invalid event; [WithBodyMode] makes it take bare
// event objects too, or only them, the three worlds docs/CONTRACT.md
// describes), POST /bc/v1/events/event and its ten per-kind children (the
// event's kind must match the path; the answer is the spec's array of flat
// objects with a type), POST /bc/v1/user/identify and /bc/v1/user/alias,
// GET /bc/v1/live-events/realtime and GET /bc/v1/live-events/events. Every
// request needs "Authorization: Bearer <APIKey>" and "X-App-ID: <ProjectID>"
// (else 403; the key is never echoed or logged). Events are checked with
// [mindlytics.Event.Validate], as leniently as the service's schema:
// fields the contract does not name are accepted (and dropped) when their
// values are scalars, refused when objects or arrays ([WithStrict] refuses
// them all); nested values and nulls in properties are refused. Bodies may
// be gzip encoded and are capped at [maxBodyBytes] (413 beyond). Errors are
// plain text messages. [Server.AnswerEvents] makes requests holding chosen
// events fail (a poison event answering 500).
//
// The service makes sessions on the fly, so the server accepts events in
// any order, but it notes every order violation (an event before its
// session's start, after its end, a conversation event outside its
// conversation, a timestamp going backwards): an exporter's tests assert
// that [Server.Violations] is empty. [WithStateless] plays the service as
// the Python SDK 1.0.5 uses it: no starts are expected, so events without
// them are no violations.
//
// # Recorded state
//
// [Server.Events], [Server.SessionEvents] and [Server.WaitForEvents] give
// the accepted events as decoded from the wire, so numbers are json.Number
// values. [Server.Requests] lists every request, rejected and faulted ones
// included (with the fault that hit it); [Server.Sessions] and [Server.User]
// what the server learnt; [Server.Reset] forgets it all.
//
// [WithStore] keeps every accepted batch in a [Store] before the 200 goes
// out, and replays the store at start, so a server restarted on the same
// store knows what it accepted before (Reset leaves the store alone).
// [WithHandler] serves other paths beside the contract, on the same port.
//
// # Live events
//
// A key from GET /bc/v1/live-events/realtime (scoped to one session with
// ?session_id=) opens the websocket at [Server.LiveURL] (or at the root
// path) with "Authorization: Bearer <key>". Each accepted event is streamed
// as a [mindlytics.LiveEvent] ("Session Started", "Session Ended", "User
// Identified", "User Aliased", or the track event's name), with a derived
// "Conversation Ended" for each conversation still open when its session
// ends. [Server.PublishLive] and [Server.PublishError] push events of the
// test's own; [Server.CloseLiveConnections] closes every socket. A
// subscriber is registered before its handshake's answer goes out, so it
// gets every event published after its dial returns; one that falls more
// than 1024 events behind is disconnected. The server answers pings and
// sends none.
//
// # Faults
//
// [Server.FailNext], [Server.FailRandomly], [Server.Throttle] and
// [Server.DropConnections] hit the event and user endpoints;
// [Server.SetLatency] delays every request and [Server.Down] drops every
// connection for a while. Besides the latency, a request takes at most one
// fault, in this order: down, dropped connection, throttling, FailNext,
// FailRandomly. Every way out of a request, faulted or not, is in its
// [Request] record before the client sees it.
package mindlyticstest
