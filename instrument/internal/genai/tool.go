package genai

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Keys of the OTel MCP conventions (semantic-conventions-genai, mcp.md).
const (
	mcpMethodKey    = attribute.Key("mcp.method.name")
	mcpSessionIDKey = attribute.Key("mcp.session.id")
	// errorToolError is error.type of a call the tool answered with an
	// error (MCP's isError), as the MCP conventions name it.
	errorToolError = "tool_error"
)

// Tool describes one tool call as a protocol carries it.
type Tool struct {
	// Name is the tool's name; Args its arguments as sent (usually JSON).
	Name, Args string
	// Method is the protocol's method (mcp.method.name), e.g. tools/call.
	Method string
	// SessionID is the protocol session's id (mcp.session.id), if any.
	SessionID string
	// Server says the span is the serving side's (kind server); else it is
	// the caller's (kind client).
	Server bool
	// Function makes the span a Mindlytics function
	// (gen_ai.operation.name execute_tool). The serving side of a call
	// whose caller records it sets it false, so the call counts once.
	Function bool
}

// ToolCall is one tool call's span, which ends exactly once.
type ToolCall struct {
	in   *Instrumenter
	span trace.Span
	once sync.Once
}

// StartTool starts the span of a tool call as a child of ctx's span, named
// as the MCP conventions name it ("tools/call get_weather").
func (in *Instrumenter) StartTool(ctx context.Context, t Tool) (context.Context, *ToolCall) {
	return in.startTool(ctx, t)
}

func (in *Instrumenter) startTool(ctx context.Context, t Tool, opts ...trace.SpanStartOption) (context.Context, *ToolCall) {
	attrs := make([]attribute.KeyValue, 0, 5)
	attrs = append(attrs, sc.ToolName(t.Name))
	if t.Function {
		attrs = append(attrs, sc.OperationName(sc.GenAIOperationExecuteTool))
	}
	if t.Method != "" {
		attrs = append(attrs, mcpMethodKey.String(t.Method))
	}
	if t.SessionID != "" {
		attrs = append(attrs, mcpSessionIDKey.String(t.SessionID))
	}
	if in.capture && t.Args != "" {
		if args := in.redactTool(t.Args); args != "" {
			attrs = append(attrs, sc.ToolCallArguments(args))
		}
	}
	kind := trace.SpanKindClient
	if t.Server {
		kind = trace.SpanKindServer
	}
	name := t.Name
	if t.Method != "" {
		name = t.Method + " " + t.Name
	}
	c := &ToolCall{in: in}
	opts = append(opts, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
	ctx, c.span = in.tracer.Start(ctx, name, opts...)
	return ctx, c
}

func (in *Instrumenter) redactTool(s string) string {
	if in.redact == nil {
		return s
	}
	return in.redact(conventions.GenAIRoleTool, s)
}

// Span returns the call's span.
func (c *ToolCall) Span() trace.Span { return c.span }

// End ends the span with the tool's result. toolError says the tool
// answered with an error (the result is its message); err is a failure of
// the call itself (transport, protocol, cancelled context).
func (c *ToolCall) End(result string, toolError bool, err error) {
	c.once.Do(func() {
		if c.in.capture && result != "" {
			if r := c.in.redactTool(result); r != "" {
				c.span.SetAttributes(sc.ToolCallResult(r))
			}
		}
		switch {
		case err != nil:
			c.span.SetAttributes(errorTypeKey.String(errorKind(err)))
			c.span.SetStatus(codes.Error, err.Error())
		case toolError:
			msg := result
			if !c.in.capture || msg == "" {
				msg = errorToolError // the message is content: not without capture
			}
			c.span.SetAttributes(errorTypeKey.String(errorToolError))
			c.span.SetStatus(codes.Error, msg)
		}
		c.span.End()
	})
}

// ToolJSON is a tool call's arguments or structured result as JSON: raw
// JSON as it is, other values marshalled ("" for nil or what cannot be).
func ToolJSON(v any) string {
	switch a := v.(type) {
	case nil:
		return ""
	case json.RawMessage:
		return string(a)
	case string:
		return a
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
