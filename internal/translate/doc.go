// Package translate turns OpenTelemetry spans into Mindlytics events: the
// pipeline both front doors share. The in-process exporter views its spans
// with spanview.AppendReadOnlySpans, the collector component with its pdata
// adapter; a [Translator] made by [New] from the user's [Settings] then
// turns each batch into the events to send, in order:
//
//	tr, err := translate.New(settings)
//	events, errs := tr.Translate(spans)
//
// errs holds a [*SpanError] per span that could not be translated and an
// [*IgnoredValueError] per value a rule left out. A Translator keeps the open
// sessions and conversations between batches and is safe for concurrent
// use: call [Translator.Expire] every [Settings.CheckInterval] to end idle
// ones, and [Translator.EndAll] at shutdown.
//
// The rules (identity, classification, turns and usage, lifecycle, times,
// values) are written down in docs/CONVENTIONS.md. The parts below the
// pipeline are packages of their own: spanview (the span view), messages
// (reading chat messages) and openstate (the open-session store);
// internal/conventions holds the keys of other instrumentations.
package translate
