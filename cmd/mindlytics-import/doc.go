// Command mindlytics-import replays stored telemetry into Mindlytics: the
// OTLP/JSON files the collector's file exporter writes (one
// ExportTraceServiceRequest or ExportLogsServiceRequest per line) go
// through the mindlytics exporter component itself, created by its
// factory as the collector creates it, so the translation, the join of
// GenAI log records to their spans, the delivery rule and the retries are
// exactly the collector's. Events keep the times of their spans: the wire
// carries each event's own timestamp, which the service takes as the time
// it happened.
//
//	MLSDK_API_KEY=... MLSDK_PROJECT_ID=... mindlytics-import traces-*.json traces.json
//
// Files are imported in the order given (the file exporter's rotated files,
// data-<UTC time>-size.json, sort by time; the current data.json comes
// last). Each is read as it was written: newline-delimited JSON (the file
// exporter's default), gzip-compressed (gzip by hand or by logrotate), or
// with `compression: zstd` (length-prefixed zstd frames, or one zstd stream
// with the exporter.file.nativeCompression feature gate). The format is told
// by the file's first bytes. Not read: `format: proto` and `encoding`
// extensions.
//
// Each record is read with pdata's JSON unmarshaler, on a goroutine of
// its own that reads ahead while the exporter delivers. Consecutive
// records of one file and one kind (traces or logs) go to the exporter
// together, merged into one request of at most --batch spans and log
// records (default 2048; a record is never split), with no sending queue:
// Consume returns once the batch's events are delivered (or retried for
// retry_on_failure::max_elapsed_time and given up), and only then does
// the next batch go. Batches grow from one record, doubling (1, 2, 4, …),
// so that a failure at the start names the first record alone, and where
// they end depends only on the files and --batch. A record that is not
// OTLP/JSON traces or logs is reported with its file and line and skipped
// (--strict stops there, once the records before it are delivered);
// metrics and profiles records are counted and skipped.
//
// A batch that cannot be delivered stops the import and is named by its
// records (file:first-last, or file:line for one), with the files after
// it. The message guarantees: every event of the records before the named
// ones was delivered (or refused by the service, which is reported with
// its batch's records and its session); nothing after them was sent; of
// the named records
// some events may have been delivered (the exporter sends a batch in
// several requests side by side and does not say which went through). A
// re-import of the rest, from the first named record, therefore sends
// again at most events of the named records (--batch 1 narrows them to
// one record, as an import did before batches); the service has no
// idempotency key, and sessions open across that record start again (the
// failed import ended them at its close). An interrupt stops before the
// next batch and names the last record imported. At the end open sessions
// and conversations are ended at their last activity, as a collector ends
// them at shutdown.
//
// Progress (bytes and lines done of each file) goes to stderr, rewritten in
// place on a terminal and at most every 10 s otherwise; the exporter's
// warnings (events the service refused, with their session) go there too.
// The exit status is 0 when every record was read and every event
// delivered, 1 when something was not (the summary says what), 2 for a
// usage or configuration error.
//
// Settings: --api-key or MLSDK_API_KEY, --project or MLSDK_PROJECT_ID,
// --server-base or MLSDK_SERVER_BASE (default https://app.mindlytics.ai);
// flags win over the environment. The key is never printed. --config names
// a YAML file of the exporter's other settings, with the keys of the
// collector's `exporters: mindlytics:` block (identity::session_id_keys,
// lifecycle::…, max_request_events, retry_on_failure, …), so a replay
// translates as the collector that would have received the data.
package main
