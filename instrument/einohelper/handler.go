package einohelper

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/schema"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/einohelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

// Handler is an eino callbacks handler that makes a span of every chat
// model call and tool call it sees. It is safe for concurrent use; one
// handler serves every graph and agent.
type Handler struct {
	in    *genai.Instrumenter
	model string // WithModel's
}

var _ callbacks.Handler = (*Handler)(nil)

// NewHandler returns the handler; register it for every run, or per run:
//
//	callbacks.AppendGlobalHandlers(einohelper.NewHandler())
//	agent.Generate(ctx, msgs, agent.WithComposeOptions(compose.WithCallbacks(einohelper.NewHandler())))
func NewHandler(opts ...Option) *Handler {
	return &Handler{in: genai.New(ScopeName, version, unwrap(opts)...), model: defaultModel(opts)}
}

// The context values that carry a run's span from its start to its end:
// eino hands OnEnd the context OnStart returned for the same run.
type (
	modelKey struct{}
	toolKey  struct{}
)

// OnStart starts the span of a chat model or tool run; other components
// (graphs, lambdas, templates) make none.
func (h *Handler) OnStart(ctx context.Context, info *callbacks.RunInfo, input callbacks.CallbackInput) context.Context {
	if info == nil {
		return ctx
	}
	switch info.Component {
	case components.ComponentOfChatModel:
		in := model.ConvCallbackInput(input)
		if in == nil {
			return ctx
		}
		req := request(info, in)
		if req.Model == "" {
			req.Model = h.model
		}
		ctx, call := h.in.Start(ctx, req, nil)
		return context.WithValue(ctx, modelKey{}, call)
	case components.ComponentOfTool:
		var args string
		if in := tool.ConvCallbackInput(input); in != nil {
			args = in.ArgumentsInJSON
		}
		ctx, call := h.in.StartTool(ctx, genai.Tool{Name: info.Name, Args: args, Function: true})
		return context.WithValue(ctx, toolKey{}, call)
	}
	return ctx
}

// OnEnd ends the run's span with its output.
func (h *Handler) OnEnd(ctx context.Context, info *callbacks.RunInfo, output callbacks.CallbackOutput) context.Context {
	if call, ok := ctx.Value(modelKey{}).(*genai.Call); ok && isComponent(info, components.ComponentOfChatModel) {
		out := model.ConvCallbackOutput(output)
		var msg *schema.Message
		var usage *model.TokenUsage
		if out != nil {
			msg, usage = out.Message, out.TokenUsage
		}
		call.EndResponse(response(msg, usage, ""))
	}
	if call, ok := ctx.Value(toolKey{}).(*genai.ToolCall); ok && isComponent(info, components.ComponentOfTool) {
		var result string
		if out := tool.ConvCallbackOutput(output); out != nil {
			result = out.Response
		}
		call.End(result, false, nil)
	}
	return ctx
}

// OnError ends the run's span failed.
func (h *Handler) OnError(ctx context.Context, info *callbacks.RunInfo, err error) context.Context {
	if call, ok := ctx.Value(modelKey{}).(*genai.Call); ok && isComponent(info, components.ComponentOfChatModel) {
		call.EndError(err, timeNow())
	}
	if call, ok := ctx.Value(toolKey{}).(*genai.ToolCall); ok && isComponent(info, components.ComponentOfTool) {
		call.End("", false, err)
	}
	return ctx
}

// OnStartWithStreamInput: a chat model or tool whose input is a stream
// (rare: a graph streams into it). The span starts with no input content,
// and the stream copy is closed unread.
func (h *Handler) OnStartWithStreamInput(ctx context.Context, info *callbacks.RunInfo, input *schema.StreamReader[callbacks.CallbackInput]) context.Context {
	input.Close()
	return h.OnStart(ctx, info, nil)
}

// OnEndWithStreamOutput reads the handler's copy of a streamed output on a
// goroutine of its own (the caller reads its copy undisturbed) and ends the
// span at the stream's end, at a read error, or when the run's context ends
// first (finish reason and error.type cancelled).
func (h *Handler) OnEndWithStreamOutput(ctx context.Context, info *callbacks.RunInfo, output *schema.StreamReader[callbacks.CallbackOutput]) context.Context {
	modelCall, isModel := ctx.Value(modelKey{}).(*genai.Call)
	toolCall, isTool := ctx.Value(toolKey{}).(*genai.ToolCall)
	switch {
	case isModel && isComponent(info, components.ComponentOfChatModel):
		go readModelStream(ctx, modelCall, output)
	case isTool && isComponent(info, components.ComponentOfTool):
		go readToolStream(ctx, toolCall, output)
	default:
		output.Close()
	}
	return ctx
}

func isComponent(info *callbacks.RunInfo, c components.Component) bool {
	return info != nil && info.Component == c
}

func readModelStream(ctx context.Context, call *genai.Call, output *schema.StreamReader[callbacks.CallbackOutput]) {
	defer output.Close()
	stop := context.AfterFunc(ctx, func() { call.EndError(context.Cause(ctx), time.Time{}) }) // cancelled or timeout, as genai tells them
	defer stop()
	var chunks []*schema.Message
	var usage *model.TokenUsage
	for {
		v, err := output.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			call.EndError(err, timeNow())
			return
		}
		if out := model.ConvCallbackOutput(v); out != nil {
			if out.Message != nil {
				chunks = append(chunks, out.Message)
			}
			if out.TokenUsage != nil {
				usage = out.TokenUsage
			}
		}
	}
	var msg *schema.Message
	if len(chunks) > 0 {
		msg, _ = schema.ConcatMessages(chunks)
	}
	call.EndResponse(response(msg, usage, ""))
}

func readToolStream(ctx context.Context, call *genai.ToolCall, output *schema.StreamReader[callbacks.CallbackOutput]) {
	defer output.Close()
	stop := context.AfterFunc(ctx, func() { call.End("", false, context.Cause(ctx)) })
	defer stop()
	var result strings.Builder
	for {
		v, err := output.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			call.End(result.String(), false, err)
			return
		}
		if out := tool.ConvCallbackOutput(v); out != nil {
			result.WriteString(out.Response)
		}
	}
	call.End(result.String(), false, nil)
}
