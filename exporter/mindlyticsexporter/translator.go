package mindlyticsexporter

import (
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// translator is the shared translation fed with pdata (package
// pdataview: the span view, the log records reshaped and joined to their
// spans), and the translator's state for the persistent queue (statestore.go).
type translator struct {
	*pdataview.Translator
	t *translate.Translator
}

func newTranslation(cfg *Config) (translation, error) {
	t, err := translate.New(cfg.Settings)
	if err != nil {
		return nil, err
	}
	return translator{Translator: pdataview.NewTranslator(t), t: t}, nil
}

// Stats is the translator's.
func (tr translator) Stats() translate.Stats { return tr.t.Stats() }
