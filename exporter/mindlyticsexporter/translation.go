package mindlyticsexporter

import (
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// translator is the shared translation, fed with pdata: spans through the
// pdata view (adapt_pdata.go), GenAI event log records through
// logsToTraces, joined to their spans (logjoin.go).
type translator struct {
	t    *translate.Translator
	join *logJoin
}

func newTranslation(cfg *Config) (translation, error) {
	t, err := translate.New(cfg.Settings.Options()...)
	if err != nil {
		return nil, err
	}
	return translator{t: t, join: newLogJoin(time.Now)}, nil
}

func (tr translator) Traces(td ptrace.Traces) ([]mindlytics.Event, []error) {
	return tr.t.Translate(viewTraces(tr.join.joinSpans(td)))
}

func (tr translator) Logs(ld plog.Logs) ([]mindlytics.Event, []error) {
	madeTurn := func(k chatKey) bool { return tr.t.MadeTurn(trace.TraceID(k.trace), trace.SpanID(k.span)) }
	td := tr.join.joinContent(logsToTraces(ld), madeTurn)
	if td.SpanCount() == 0 {
		return nil, nil
	}
	return tr.t.Translate(viewTraces(td))
}

// Expire translates the log content whose span did not come in time, then
// ends what is idle.
func (tr translator) Expire() []mindlytics.Event {
	events, _ := tr.t.Translate(viewTraces(tr.join.due(false)))
	return append(events, tr.t.Expire()...)
}

// EndAll translates all log content still waiting, then ends everything.
func (tr translator) EndAll() []mindlytics.Event {
	events, _ := tr.t.Translate(viewTraces(tr.join.due(true)))
	return append(events, tr.t.EndAll()...)
}
