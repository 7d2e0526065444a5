package mcphelper_test

import (
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mindlytics/mindlytics-otel/instrument/mcphelper"
)

// Both ends of MCP tool calls traced: the agent's client and the tool
// server.
func Example() {
	client := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "v1"}, nil)
	client.AddSendingMiddleware(mcphelper.ClientMiddleware())

	server := mcp.NewServer(&mcp.Implementation{Name: "weather", Version: "v1"}, nil)
	server.AddReceivingMiddleware(mcphelper.ServerMiddleware())
	// Output:
}
