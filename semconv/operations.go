package semconv

// Values of gen_ai.operation.name (see [OperationName]) that the OTel
// GenAI conventions define.
const (
	GenAIOperationChat            = "chat"
	GenAIOperationTextCompletion  = "text_completion"
	GenAIOperationGenerateContent = "generate_content"
	GenAIOperationEmbeddings      = "embeddings"
	GenAIOperationRetrieval       = "retrieval"
	GenAIOperationCreateAgent     = "create_agent"
	GenAIOperationInvokeAgent     = "invoke_agent"
	GenAIOperationExecuteTool     = "execute_tool"
	GenAIOperationInvokeWorkflow  = "invoke_workflow"
)
