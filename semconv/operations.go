package semconv

// Values of gen_ai.operation.name (see [OperationName]) that mean something
// to Mindlytics: a model call (a turn or usage), a tool call (a function
// event) and an agent run (a wrapper whose calls are counted, not itself).
// The translation reads the other values of the OTel GenAI conventions too
// (docs/CONVENTIONS.md).
const (
	GenAIOperationChat        = "chat"
	GenAIOperationInvokeAgent = "invoke_agent"
	GenAIOperationExecuteTool = "execute_tool"
)
