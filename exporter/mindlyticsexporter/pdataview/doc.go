// Package pdataview feeds the translation (package internal/translate)
// with collector pdata, exactly as the mindlytics exporter does: [Traces]
// views each span of a ptrace.Traces, [LogsToTraces] reshapes GenAI event
// log records into the spans the translation would have seen had they been
// recorded on spans, and a [Translator] runs both, joining log content to
// its spans whichever comes first (a model call whose content is expected
// in log records waits a little for it). The exporter uses it, and so does
// any program that must run the very translation the exporter runs on OTLP
// data (the local Mindlytics of cmd/mindlytics-dev, which also asks for
// each event's span: [Translator.TracesWithOrigins]).
package pdataview
