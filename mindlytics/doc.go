// Package mindlytics is the wire side of mindlytics-otel: the Mindlytics event
// types and their validation, the HTTP client for every raw endpoint of the
// service, and the live-event types the service streams back.
//
// Events are built through constructors ([StartSession], [ConversationTurn],
// [Track], …) that validate what the service requires: a session id on every
// event, 1–100 character ids and event names, one of user id or device id when
// a session starts, scalar-only property values and RFC 3339 UTC timestamps.
// Invalid input is a [*ValidationError] naming the field; it is never sent.
//
// A [Client] is configured with options and falls back to the environment
// variables MLSDK_API_KEY, MLSDK_PROJECT_ID and MLSDK_SERVER_BASE. A client
// without a key or a project is an error when it is built. Errors returned by
// the service are [*APIError] values carrying the status code and the
// service's message; the API key never appears in them.
//
// [Client.SubscribeLive] streams live events over a websocket, reconnecting
// with backoff. Its URL is given with [WithLiveURL] or derived from the
// server base (https://app.X becomes wss://wss.X, same path).
package mindlytics
