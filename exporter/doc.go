// Package exporter is the in-process front door of mindlytics-otel: an
// OpenTelemetry SDK [go.opentelemetry.io/otel/sdk/trace.SpanExporter] that
// turns conversational-AI spans into Mindlytics events and sends them
// through a batching, asynchronous queue.
//
// Register it on a TracerProvider, usually behind a batch span processor:
//
//	exp, err := exporter.New(ctx)
//	if err != nil { ... }
//	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
//	defer tp.Shutdown(ctx) // delivers everything still queued
//
// ExportSpans translates spans (our conventions in package semconv, the
// OTel GenAI conventions, OpenLLMetry and OpenInference) and enqueues the
// events; it never waits for the network and never returns a network error.
// Delivery problems are kept in a bounded list ([Exporter.Errors]) and passed
// to the error handler ([WithErrorHandler]). Shutdown ends the conversations
// and sessions still open (unless [WithEndOnShutdown] says not to), then
// delivers what is queued within the caller's deadline.
//
// Configuration comes from options; the wire client falls back to the
// environment variables MLSDK_API_KEY, MLSDK_PROJECT_ID and
// MLSDK_SERVER_BASE.
package exporter
