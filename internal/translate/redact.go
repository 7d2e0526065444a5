package translate

import "github.com/mindlytics/mindlytics-otel/internal/compact"

// redact applies Settings.Redaction to events, as they leave translate:
// every way out (Translate, AppendTranslation, TranslateWithOrigins, and
// the held spans Expire, Release and EndAll translate) passes there, and
// the events only the lifecycle makes (ends of idle sessions and
// conversations) carry no text. It runs outside t.mu: the events are the
// caller's.
func (t *Translator) redact(events []compact.Event) {
	if t.redactor == nil {
		return
	}
	for i := range events {
		events[i].Redact(t.redactor)
	}
}

// Redactions returns how many values each redaction detector removed so
// far, by name (package redaction), zeros included; nil when redaction is
// off.
func (t *Translator) Redactions() map[string]int64 {
	if t.redactor == nil {
		return nil
	}
	return t.redactor.Counts()
}
