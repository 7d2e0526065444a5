package mcphelper

import (
	"context"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/mcphelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

const methodCallTool = "tools/call"

// ClientMiddleware returns sending middleware for an [mcp.Client]: every
// tools/call becomes one span that Mindlytics makes a function of, and the
// request's _meta carries the call's trace context and baggage to the
// server. Other methods pass through.
//
//	client.AddSendingMiddleware(mcphelper.ClientMiddleware())
func ClientMiddleware(opts ...Option) mcp.Middleware {
	in := genai.New(ScopeName, version, unwrap(opts)...)
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			p, ok := req.GetParams().(*mcp.CallToolParams)
			cs, _ := req.GetSession().(*mcp.ClientSession)
			if method != methodCallTool || !ok || p == nil || cs == nil {
				return next(ctx, method, req)
			}
			params := *p // the caller's params stay as they were
			ctx, call := in.StartTool(ctx, genai.Tool{
				Name: params.Name, Args: genai.ToolJSON(params.Arguments), Method: method,
				SessionID: cs.ID(), Function: true,
			})
			params.Meta = genai.InjectMeta(ctx, params.Meta, true)
			// The SDK sends requests as ClientRequest[Params] (its retries of
			// multi round-trip calls too).
			res, err := next(ctx, method, &mcp.ClientRequest[mcp.Params]{Session: cs, Params: &params})
			endCall(call, res, err)
			return res, err
		}
	}
}

// ServerMiddleware returns receiving middleware for an [mcp.Server]: every
// tools/call runs inside a span that continues the caller's trace and
// baggage from the request's _meta, so the spans of the tool's work join
// the caller's session. When the caller's helper records the call, this
// span is not counted again; when it does not, this span is the function.
//
//	server.AddReceivingMiddleware(mcphelper.ServerMiddleware())
func ServerMiddleware(opts ...Option) mcp.Middleware {
	in := genai.New(ScopeName, version, unwrap(opts)...)
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			sreq, ok := req.(*mcp.ServerRequest[*mcp.CallToolParamsRaw])
			if method != methodCallTool || !ok || sreq.Params == nil {
				return next(ctx, method, req)
			}
			ctx, recorded := genai.ExtractMeta(ctx, sreq.Params.Meta)
			var sid string
			if sreq.Session != nil {
				sid = sreq.Session.ID()
			}
			ctx, call := in.StartTool(ctx, genai.Tool{
				Name: sreq.Params.Name, Args: string(sreq.Params.Arguments), Method: method,
				SessionID: sid, Server: true,
				// A retry of a multi round-trip call (it carries the state of
				// the first) is the same call: only its first round counts.
				Function: !recorded && sreq.Params.RequestState == "",
			})
			res, err := next(ctx, method, req)
			endCall(call, res, err)
			return res, err
		}
	}
}

func endCall(call *genai.ToolCall, res mcp.Result, err error) {
	r, _ := res.(*mcp.CallToolResult)
	if r == nil {
		call.End("", false, err)
		return
	}
	call.End(resultText(r), r.IsError, err)
}

// resultText is the text a tool answered: its text contents, else its
// structured content as JSON. Images and audio are left out: they are not
// text a person reads in a conversation.
func resultText(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(t.Text)
		}
	}
	if b.Len() == 0 && r.StructuredContent != nil {
		return genai.ToolJSON(r.StructuredContent)
	}
	return b.String()
}
