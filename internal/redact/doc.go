// Package redact is the redaction that package redaction configures: the
// built-in detectors (hand-written scanners: a cheap test of the first
// bytes of each word decides before any work), the users' regular
// expressions and function, and the rewriting of JSON inside strings. A
// [Redactor] is built once per translator and counts what it removed per
// detector; the translation applies it to each event it makes
// (compact.Event.Redact), the one place both front doors share.
package redact
