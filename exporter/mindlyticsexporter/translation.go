package mindlyticsexporter

import (
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// translator is the shared translation, fed with pdata: spans through the
// pdata view (adapt_pdata.go), GenAI event log records through
// logsToTraces.
type translator struct {
	t *translate.Translator
}

func newTranslation(cfg *Config) (translation, error) {
	t, err := translate.New(cfg.Settings.Options()...)
	if err != nil {
		return nil, err
	}
	return translator{t: t}, nil
}

func (tr translator) Traces(td ptrace.Traces) ([]mindlytics.Event, []error) {
	return tr.t.Translate(viewTraces(td))
}

func (tr translator) Logs(ld plog.Logs) ([]mindlytics.Event, []error) {
	td := logsToTraces(ld)
	if td.SpanCount() == 0 {
		return nil, nil
	}
	return tr.Traces(td)
}

func (tr translator) Expire() []mindlytics.Event { return tr.t.Expire() }

func (tr translator) EndAll() []mindlytics.Event { return tr.t.EndAll() }
