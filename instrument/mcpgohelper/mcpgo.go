package mcpgohelper

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/mcpgohelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

const methodCallTool = string(mcp.MethodToolsCall)

// Client is an MCP client whose tool calls are traced. Its other methods
// are the wrapped client's.
type Client struct {
	client.MCPClient
	in *genai.Instrumenter
}

// WrapClient returns c with its tool calls traced: every CallTool becomes
// one span that Mindlytics makes a function of, and the request's _meta
// carries the call's trace context and baggage to the server. mcp-go has
// no client middleware, and its tracing option names the method but not
// the tool, so the helper wraps the client's interface.
//
//	traced := mcpgohelper.WrapClient(c)
func WrapClient(c client.MCPClient, opts ...Option) *Client {
	return &Client{MCPClient: c, in: genai.New(ScopeName, version, unwrap(opts)...)}
}

// CallTool calls the tool in a span, a child of ctx's span; the multi
// round trips mcp-go makes of one call stay one span.
func (c *Client) CallTool(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ctx, call := c.in.StartTool(ctx, genai.Tool{
		Name: req.Params.Name, Args: arguments(req.Params), Method: methodCallTool, Function: true,
	})
	// req is a copy; its Meta is the caller's pointer, so a new one.
	meta := &mcp.Meta{}
	if m := req.Params.Meta; m != nil {
		meta.ProgressToken = m.ProgressToken
		meta.AdditionalFields = m.AdditionalFields
	}
	meta.AdditionalFields = genai.InjectMeta(ctx, meta.AdditionalFields, true)
	req.Params.Meta = meta
	res, err := c.MCPClient.CallTool(ctx, req)
	endCall(call, res, err)
	return res, err
}

// ToolMiddleware returns middleware for an mcp-go server's tool handlers:
// every tool call runs inside a span that continues the caller's trace and
// baggage from the request's _meta, so the spans of the tool's work join
// the caller's session. When the caller's helper records the call, this
// span is not counted again; when it does not, this span is the function.
//
//	server.NewMCPServer(name, version, server.WithToolHandlerMiddleware(mcpgohelper.ToolMiddleware()))
func ToolMiddleware(opts ...Option) server.ToolHandlerMiddleware {
	in := genai.New(ScopeName, version, unwrap(opts)...)
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			var meta map[string]any
			if req.Params.Meta != nil {
				meta = req.Params.Meta.AdditionalFields
			}
			ctx, recorded := genai.ExtractMeta(ctx, meta)
			var sid string
			if s := server.ClientSessionFromContext(ctx); s != nil {
				sid = s.SessionID()
			}
			ctx, call := in.StartTool(ctx, genai.Tool{
				Name: req.Params.Name, Args: arguments(req.Params), Method: methodCallTool,
				SessionID: sid, Server: true,
				// A retry of a multi round-trip call (it carries the state of
				// the first) is the same call: only its first round counts.
				Function: !recorded && req.Params.RequestState == "",
			})
			res, err := next(ctx, req)
			endCall(call, res, err)
			return res, err
		}
	}
}

func arguments(p mcp.CallToolParams) string {
	if len(p.RawArguments) > 0 {
		return string(p.RawArguments)
	}
	return genai.ToolJSON(p.Arguments)
}

func endCall(call *genai.ToolCall, res *mcp.CallToolResult, err error) {
	if res == nil {
		call.End("", false, err)
		return
	}
	call.End(resultText(res), res.IsError, err)
}

// resultText is the text a tool answered: its text contents, else its
// structured content as JSON. Images and audio are left out: they are not
// text a person reads in a conversation.
func resultText(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		var text string
		switch t := c.(type) {
		case mcp.TextContent:
			text = t.Text
		case *mcp.TextContent:
			text = t.Text
		default:
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	if b.Len() == 0 {
		if len(r.RawStructuredContent) > 0 {
			return string(r.RawStructuredContent)
		}
		return genai.ToolJSON(r.StructuredContent)
	}
	return b.String()
}
