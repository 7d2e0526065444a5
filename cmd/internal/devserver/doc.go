// Package devserver is the local Mindlytics of cmd/mindlytics-dev and
// cmd/mindlytics-demo: the contract server of package mindlyticstest,
// keeping what it accepts in a bbolt file so that it survives a crash; an
// OTLP/HTTP intake (/v1/traces, /v1/logs) that runs the very translation
// the exporters run and keeps, for each event, the span it came from; and a
// web page (/ui/) that shows sessions and transcripts, updated live over a
// websocket. Everything is on one loopback port.
package devserver
