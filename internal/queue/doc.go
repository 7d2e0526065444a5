// Package queue is the batching async queue between the translation of
// spans and the Mindlytics batch endpoint (POST /bc/v1/events/queue).
//
// [Queue.Enqueue] encodes an event and hands it to a lane without ever
// blocking or waiting for the network. Sessions are spread over a few lanes
// ([WithConcurrency]) by a hash of their id. Each lane sends one request at
// a time and does not move past a batch until it is delivered or has failed
// for good, so the events of a session reach the service in order, while
// lanes send concurrently. A lane sends when it holds [WithMaxRequestEvents]
// events or [WithMaxRequestBytes] bytes, when its oldest event has waited
// [WithFlushInterval], or when asked by [Queue.Flush] or [Queue.Shutdown].
// A Flush of a light queue (all it holds fits one request and no lane has
// one in flight) sends one request for every lane, as a serverless handler
// flushing at the end of each invocation wants; the lanes it took from
// send nothing more until that request is settled, so order holds.
//
// Failed requests are retried with exponential backoff and jitter
// ([WithRetry]) on transport errors, 408, 429 and 5xx; a Retry-After the
// service sends is a floor for the wait. Other 4xx are permanent. Each
// batch goes out by the delivery rule both front doors share (package
// delivery): one refused with 400 (or 413) is split in halves, in order,
// until the refused events are isolated: the others land, and each refused
// event becomes an [Error] with the service's message.
//
// The queue is bounded by events ([WithMaxQueueEvents]) and bytes held
// ([WithMaxQueueBytes]), counting events waiting and in flight. Each lane
// keeps its events' JSON back to back in chunks of bytes (an arena), so
// that what it holds is little more than the JSON, and the byte bound
// counts it. When it is
// full, the event being enqueued is dropped, counted and reported.
// Everything that goes wrong is handed as an [Error] to [WithErrorHandler]
// (the exporter keeps the list). [Queue.Stats] and the OTel metrics
// (mindlytics.queue.*, through [WithMeterProvider]) count what was
// enqueued, sent, failed and dropped, batch sizes and request latency.
//
// [Queue.Shutdown] stops accepting events, drains the queue (retrying until
// its context's deadline), drops what is left (counted, and reported with an
// Error of kind [KindShutdown]), and stops every goroutine of the queue.
package queue
