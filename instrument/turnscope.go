package instrument

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// maxScoped bounds the spans a turn scope follows; spans beyond it are
// exported as they are.
const maxScoped = 1 << 16

// action is what becomes of a span of another instrumentation that ran
// inside a started turn, on its way to the Mindlytics exporter only (other
// exporters see it unchanged).
type action uint8

const (
	actPending action = iota // not ended yet
	actKeep                  // not a model call: as it is
	actUsage                 // a model call: its usage, never a second turn
	actDrop                  // a model call with nothing countable
)

// turnScope follows the spans started inside started turns, so that a model
// call made there by other code counts as the turn's usage and not as a
// turn of its own (one exchange, one turn event, usage counted once).
type turnScope struct {
	mu    sync.Mutex
	spans map[trace.SpanID]scoped
}

type scoped struct {
	turn *StartedTurn
	act  action
}

func newTurnScope() *turnScope { return &turnScope{spans: make(map[trace.SpanID]scoped)} }

func (ts *turnScope) add(id trace.SpanID, t *StartedTurn) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.spans) < maxScoped {
		ts.spans[id] = scoped{turn: t}
	}
}

// ended classifies a span of the scope as it ends.
func (ts *turnScope) ended(s sdktrace.ReadOnlySpan) {
	id := s.SpanContext().SpanID()
	ts.mu.Lock()
	e, ok := ts.spans[id]
	ts.mu.Unlock()
	if !ok {
		return
	}
	e.act = classifyInTurn(s.Attributes())
	if e.act == actUsage {
		e.turn.modelSpans.Add(1)
	}
	ts.mu.Lock()
	ts.spans[id] = e
	ts.mu.Unlock()
}

// take returns and forgets what becomes of span id.
func (ts *turnScope) take(id trace.SpanID) (action, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	e, ok := ts.spans[id]
	if ok {
		delete(ts.spans, id)
	}
	return e.act, ok
}

func (ts *turnScope) empty() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.spans) == 0
}

// classifyInTurn tells model calls (the GenAI, OpenInference and OpenLLMetry
// markers the translation reads) from everything else.
func classifyInTurn(attrs []attribute.KeyValue) action {
	var op, oiKind, reqType string
	var model, tokens, cost, explicit bool
	for _, kv := range attrs {
		switch kv.Key {
		case sc.MindlyticsEventKey:
			explicit = true
		case sc.OperationNameKey:
			op = kv.Value.AsString()
		case conventions.OpenInferenceSpanKindKey:
			oiKind = kv.Value.AsString()
		case conventions.LLMRequestTypeKey:
			reqType = kv.Value.AsString()
		case sc.ResponseModelKey, sc.RequestModelKey, conventions.LLMModelNameKey:
			model = model || kv.Value.AsString() != ""
		case sc.InputTokensKey, sc.OutputTokensKey, conventions.GenAIUsagePromptTokensKey,
			conventions.GenAIUsageCompletionTokensKey, conventions.LLMTokenCountPromptKey, conventions.LLMTokenCountCompletionKey:
			tokens = true
		case sc.UsageCostKey, conventions.LLMCostTotalKey:
			cost = cost || kv.Value.AsFloat64() > 0
		}
	}
	isModel := op == sc.GenAIOperationChat || op == conventions.GenAIOperationTextCompletion ||
		op == conventions.GenAIOperationGenerateContent || oiKind == conventions.OpenInferenceKindLLM ||
		reqType == conventions.LLMRequestTypeChat || reqType == conventions.LLMRequestTypeCompletion ||
		(op == "" && model && tokens)
	switch {
	case explicit || !isModel:
		return actKeep
	case model || cost:
		return actUsage
	}
	return actDrop
}

// scopedExporter rewrites the model calls of started turns into usage
// before the Mindlytics exporter translates them.
type scopedExporter struct {
	sdktrace.SpanExporter
	scope *turnScope
}

func (e *scopedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if e.scope.empty() {
		return e.SpanExporter.ExportSpans(ctx, spans)
	}
	out := make([]sdktrace.ReadOnlySpan, 0, len(spans))
	for _, s := range spans {
		act, ok := e.scope.take(s.SpanContext().SpanID())
		switch {
		case !ok, act == actKeep, act == actPending:
			out = append(out, s)
		case act == actUsage:
			out = append(out, usageView{ReadOnlySpan: s})
		}
	}
	return e.SpanExporter.ExportSpans(ctx, out)
}

// usageView is a model span seen as explicit usage.
type usageView struct{ sdktrace.ReadOnlySpan }

func (v usageView) Attributes() []attribute.KeyValue {
	return append(v.ReadOnlySpan.Attributes(), sc.MindlyticsEvent(sc.EventUsage))
}
