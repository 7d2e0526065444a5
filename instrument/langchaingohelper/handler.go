package langchaingohelper

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tmc/langchaingo/callbacks"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/schema"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// ScopeName is the instrumentation scope of the handler's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

// modelScopes are the scopes of our helpers that make model spans of their
// own (instrument/openaihelper, instrument/goopenaihelper).
var modelScopes = map[string]bool{
	"github.com/mindlytics/mindlytics-otel/instrument/openaihelper":   true,
	"github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper": true,
}

// Keys of the GenAI conventions that package semconv does not define yet.
const (
	systemInstructionsKey = attribute.Key("gen_ai.system_instructions")
	finishReasonsKey      = attribute.Key("gen_ai.response.finish_reasons")
	toolCallIDKey         = attribute.Key("gen_ai.tool.call.id")
	toolTypeKey           = attribute.Key("gen_ai.tool.type")
	errorTypeKey          = attribute.Key("error.type")
)

// finishCancelled is the finish reason of a model call whose context ended
// first, as instrument/openaihelper gives it.
const finishCancelled = "cancelled"

// errNoEnd ends the model spans langchaingo never reported the end of.
var errNoEnd = errors.New("langchaingohelper: the model call reported no end")

// Handler is a callbacks.Handler that traces model calls, tool calls and
// chains. It is safe for concurrent use.
type Handler struct {
	callbacks.SimpleHandler
	tracer trace.Tracer
	cfg    config
	open   *stacks
	// ending counts the watches ending a span right now: their frame is off
	// the stacks before its span has ended.
	ending atomic.Int32
}

var _ callbacks.Handler = (*Handler)(nil)

// NewHandler returns a Handler configured by opts.
func NewHandler(opts ...Option) *Handler {
	c := resolve(opts)
	return &Handler{
		tracer: c.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(version)),
		cfg:    c,
		open:   newStacks(),
	}
}

func (h *Handler) capture() bool { return *h.cfg.capture }

func (h *Handler) redact(role, s string) string {
	if h.cfg.redact == nil || s == "" {
		return s
	}
	return h.cfg.redact(role, s)
}

// HandleLLMGenerateContentStart starts the span of a model call.
func (h *Handler) HandleLLMGenerateContentStart(ctx context.Context, ms []llms.MessageContent) {
	h.endDanglingTools(ctx) // the agent moved on to its next step
	// A model call cannot nest in another of the same context: one still
	// open failed without telling.
	if f, above := h.open.pop(ctx, kindLLM, nil); f != nil {
		endAll(above, errNoEnd)
		endFrame(f, errNoEnd)
	}
	if tracedByHelper(ctx) {
		h.open.push(ctx, &frame{kind: kindLLM}, nil)
		return
	}
	if !h.cfg.llmSpans {
		// The client helper's span then goes under the innermost span
		// open here (a chain's), in the run's turn.
		f := &frame{kind: kindLLM}
		h.open.push(ctx, f, func(parent context.Context) trace.Span {
			if sp := trace.SpanFromContext(parent); sp != trace.SpanFromContext(ctx) {
				f.unlink = genai.Enclose(ctx, sp)
			}
			return nil
		})
		return
	}
	f := &frame{kind: kindLLM}
	defer h.watch(ctx, f)
	h.open.push(ctx, f, func(parent context.Context) trace.Span {
		attrs := []attribute.KeyValue{
			sc.OperationName(sc.GenAIOperationChat),
			conventions.GenAIProviderNameKey.String(h.cfg.provider),
		}
		if f.inTurn || genai.InTurn(parent) {
			attrs = append(attrs, conventions.InTurn()) // the turn's usage
		}
		if h.cfg.model != "" {
			attrs = append(attrs, sc.RequestModel(h.cfg.model))
		}
		_, span := h.tracer.Start(parent, sc.ChatSpanName(h.cfg.model),
			trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
		// A client helper under the model (goopenaihelper's transport)
		// makes its span a child of this one: one call, stacked.
		f.unlink = genai.Enclose(ctx, span)
		if h.capture() && span.IsRecording() {
			in, system := h.inputMessages(ms)
			if len(in) > 0 {
				span.SetAttributes(conventions.GenAIInputMessagesKey.String(marshal(in)))
			}
			if len(system) > 0 {
				span.SetAttributes(systemInstructionsKey.String(marshal(system)))
			}
		}
		return span
	})
}

// watch ends f's span, marked cancelled, when ctx ends before the call
// reports its end: langchaingo's OpenAI model returns a cancelled call's
// error (a stream included) without a callback.
func (h *Handler) watch(ctx context.Context, f *frame) {
	if f.span == nil || ctx.Done() == nil {
		return
	}
	// Set under the stacks' lock, which pop takes before it calls stop.
	h.open.mu.Lock()
	defer h.open.mu.Unlock()
	f.stop = context.AfterFunc(ctx, func() {
		h.ending.Add(1)
		defer h.ending.Add(-1)
		g, above := h.open.pop(ctx, kindLLM, func(g *frame) bool { return g == f })
		if g == nil {
			return // ended meanwhile
		}
		err := context.Cause(ctx)
		endAll(above, err)
		g.span.SetAttributes(finishReasonsKey.StringSlice([]string{finishCancelled}))
		endFrame(g, err)
	})
}

// tracedByHelper reports whether the span current in ctx is a model span of
// one of our client helpers, which then counts the call itself.
func tracedByHelper(ctx context.Context) bool {
	s, ok := trace.SpanFromContext(ctx).(interface {
		InstrumentationScope() instrumentation.Scope
	})
	return ok && modelScopes[s.InstrumentationScope().Name]
}

// HandleLLMGenerateContentEnd ends the span of a model call with its answer.
func (h *Handler) HandleLLMGenerateContentEnd(ctx context.Context, res *llms.ContentResponse) {
	f, above := h.open.pop(ctx, kindLLM, nil)
	endAll(above, nil)
	if f == nil || f.span == nil {
		return
	}
	var kv []attribute.KeyValue
	if res != nil && f.span.IsRecording() {
		kv = h.responseAttrs(res)
	}
	// langchaingo ends a stream cut by its context as if it were complete,
	// with what had arrived and no finish reason.
	if err := context.Cause(ctx); err != nil && !hasKey(kv, finishReasonsKey) {
		f.span.SetAttributes(kv...)
		f.span.SetAttributes(finishReasonsKey.StringSlice([]string{finishCancelled}))
		endFrame(f, err)
		return
	}
	f.span.SetAttributes(kv...)
	f.span.End()
}

func hasKey(kv []attribute.KeyValue, k attribute.Key) bool {
	for _, a := range kv {
		if a.Key == k {
			return true
		}
	}
	return false
}

// HandleLLMError ends the span of a model call that failed.
func (h *Handler) HandleLLMError(ctx context.Context, err error) {
	f, above := h.open.pop(ctx, kindLLM, nil)
	endAll(above, err)
	endFrame(f, err)
}

// HandleChainStart starts the span of a chain (an agent executor is one).
// The outermost chain run on a question (inputs["input"], as langchaingo's
// agents take it), outside any turn, is the turn: see turn.go.
func (h *Handler) HandleChainStart(ctx context.Context, inputs map[string]any) {
	f := &frame{kind: kindChain}
	h.open.push(ctx, f, func(parent context.Context) trace.Span {
		inTurn := f.inTurn || genai.InTurn(parent)
		if q, ok := inputs[inputKey].(string); ok && q != "" && !f.nested && !inTurn {
			f.turn, f.question = true, q
		}
		attrs := []attribute.KeyValue{sc.OperationName(sc.GenAIOperationInvokeAgent)}
		if inTurn || f.turn {
			// What starts under it is in the turn: a client helper's model
			// span too, which sees only its parent.
			attrs = append(attrs, conventions.InTurn())
		}
		if h.cfg.agentName != "" {
			attrs = append(attrs, conventions.GenAIAgentNameKey.String(h.cfg.agentName))
		}
		_, span := h.tracer.Start(parent, joinName(sc.GenAIOperationInvokeAgent, h.cfg.agentName),
			trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
		return span
	})
}

// HandleChainEnd ends the span of a chain, and the spans left open in it.
func (h *Handler) HandleChainEnd(ctx context.Context, outputs map[string]any) {
	f, above := h.open.pop(ctx, kindChain, nil)
	endAll(above, nil)
	if f != nil && f.turn && f.span != nil {
		f.span.SetAttributes(h.turnAttrs(f.question, outputs)...)
	}
	endFrame(f, nil)
}

// HandleChainError ends the span of a chain that failed, and the spans left
// open in it, with the error.
func (h *Handler) HandleChainError(ctx context.Context, err error) {
	f, above := h.open.pop(ctx, kindChain, nil)
	endAll(above, err)
	endFrame(f, err)
}

// HandleAgentAction starts the span of the tool call the agent decided on;
// the tool's own callbacks, when it makes them, end it.
func (h *Handler) HandleAgentAction(ctx context.Context, a schema.AgentAction) {
	h.endDanglingTools(ctx)
	h.open.push(ctx, &frame{kind: kindTool, fromAction: true}, func(parent context.Context) trace.Span {
		return h.startTool(parent, a.Tool, a.ToolID, a.ToolInput)
	})
}

// HandleAgentFinish ends the tool spans of actions whose tools made no
// callbacks.
func (h *Handler) HandleAgentFinish(ctx context.Context, _ schema.AgentFinish) {
	h.endDanglingTools(ctx)
}

// endDanglingTools ends the innermost tool span opened by an action whose
// tool never reported its start: it ran, the agent moved on.
func (h *Handler) endDanglingTools(ctx context.Context) {
	if h.open.onTop(ctx, waitingAction) {
		f, _ := h.open.pop(ctx, kindTool, nil)
		endFrame(f, nil)
	}
}

// waitingAction: f is a tool span of an agent action whose tool has not
// reported its start.
func waitingAction(f *frame) bool { return f.kind == kindTool && f.fromAction && !f.toolStarted }

// HandleToolStart starts the span of a tool call, or joins the one its
// agent action started.
func (h *Handler) HandleToolStart(ctx context.Context, input string) {
	if h.open.onTop(ctx, func(f *frame) bool {
		if waitingAction(f) {
			f.toolStarted = true
			return true
		}
		return false
	}) {
		return
	}
	h.open.push(ctx, &frame{kind: kindTool, toolStarted: true}, func(parent context.Context) trace.Span {
		return h.startTool(parent, "", "", input)
	})
}

// HandleToolEnd ends the span of a tool call with its result.
func (h *Handler) HandleToolEnd(ctx context.Context, output string) {
	f, above := h.open.pop(ctx, kindTool, nil)
	endAll(above, nil)
	if f == nil || f.span == nil {
		return
	}
	if h.capture() && output != "" {
		if r := h.redact(conventions.GenAIRoleTool, output); r != "" {
			f.span.SetAttributes(sc.ToolCallResult(r))
		}
	}
	f.span.End()
}

// HandleToolError ends the span of a tool call that failed.
func (h *Handler) HandleToolError(ctx context.Context, err error) {
	f, above := h.open.pop(ctx, kindTool, nil)
	endAll(above, err)
	endFrame(f, err)
}

func (h *Handler) startTool(parent context.Context, name, id, args string) trace.Span {
	attrs := []attribute.KeyValue{sc.OperationName(sc.GenAIOperationExecuteTool), toolTypeKey.String("function")}
	if name != "" {
		attrs = append(attrs, sc.ToolName(name))
	}
	if id != "" {
		attrs = append(attrs, toolCallIDKey.String(id))
	}
	if h.capture() && args != "" {
		if r := h.redact(conventions.GenAIRoleAssistant, args); r != "" {
			attrs = append(attrs, sc.ToolCallArguments(r))
		}
	}
	_, span := h.tracer.Start(parent, sc.ExecuteToolSpanName(name),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return span
}

// endAll ends frames left open (innermost first): model calls with err or,
// without one, errNoEnd; others with err.
func endAll(fs []*frame, err error) {
	for _, f := range fs {
		e := err
		if e == nil && f.kind == kindLLM {
			e = errNoEnd
		}
		endFrame(f, e)
	}
}

func endFrame(f *frame, err error) {
	if f == nil || f.span == nil {
		return
	}
	if err != nil {
		f.span.SetAttributes(errorTypeKey.String(errorType(err)))
		f.span.RecordError(err)
		f.span.SetStatus(codes.Error, err.Error())
	}
	f.span.End()
}

func errorType(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return fmt.Sprintf("%T", err)
}

func joinName(op, name string) string {
	if name == "" {
		return op
	}
	return op + " " + name
}
