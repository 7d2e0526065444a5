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
//	defer tp.Shutdown(shutdownCtx) // delivers what is queued by shutdownCtx's deadline
//
// ExportSpans translates spans (our conventions in package semconv, the
// OTel GenAI conventions, OpenLLMetry and OpenInference) and enqueues the
// events; it never waits for the network or the error handler and never
// returns a network error. Problems are kept in a bounded list
// ([Exporter.Errors]: one [Error] per kind and reason, with a count) and
// passed to the error handler ([WithErrorHandler]) or, when none is set, to
// the OTel global error handler, each kind at most once a minute, on a
// goroutine of its own. A service that does not accept requests for a few
// seconds is reported at once ([ErrorRetrying], once per outage) while the
// retries go on. Shutdown ends the conversations and sessions still open
// (unless [WithEndOnShutdown] says not to), then delivers what is queued
// within the caller's deadline, or [DefaultShutdownTimeout] when there is
// none, and returns a little before that deadline whatever the error
// handler does; what it cannot deliver by then is dropped, counted and
// reported before it returns. ForceFlush is bounded the same way and
// returns nil only when everything queued was delivered ([ErrLost]
// otherwise). Redirects are followed only to the same host, never from
// https to http (mindlytics.CheckRedirect): the API key never leaves.
//
// Configuration comes from options; the wire client falls back to the
// environment variables MLSDK_API_KEY, MLSDK_PROJECT_ID and
// MLSDK_SERVER_BASE. Every setting that the collector component also has
// is the same setting, with the same default and the same check: its YAML
// key is the snake_case of the option (WithMaxRequestEvents is
// max_request_events, WithRequestsInFlight requests_in_flight,
// WithTraceCacheSize identity::trace_cache_size). Where the collector keeps
// the name exporterhelper or confighttp gives a setting, the option says
// so: WithServerBase is endpoint, WithRetry retry_on_failure, and the
// in-process queue's WithFlushInterval, WithMaxQueueEvents and
// WithMaxQueueBytes are the sending_queue's. [WithRedaction] (off by
// default) masks personal data and secrets in everything sent; it is the
// collector's redaction: block, the same redaction.Config.
package exporter
