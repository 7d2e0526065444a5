// Package devserver is the local Mindlytics of cmd/mindlytics-dev and
// cmd/mindlytics-demo: the contract server of package mindlyticstest,
// keeping what it accepts in a bbolt file so that it survives a crash; an
// OTLP/HTTP intake (/v1/traces, /v1/logs) that runs the very translation
// the exporters run and keeps every span with what it became; and a web
// page (/ui/) that asks for pages of sessions and one session at a time,
// answered from an index kept as entries arrive, and asks again when a
// websocket says the store changed. Everything is on one loopback port.
package devserver
