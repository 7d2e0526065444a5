package conventions

import (
	"github.com/mindlytics/mindlytics-otel/semconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"
	old "go.opentelemetry.io/otel/semconv/v1.26.0"
	otel "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// TestGenAIKeysMatchOTelSemconv pins our copies of the OTel GenAI keys to
// the last semconv package that carries them (v1.41.0), and the deprecated
// ones to v1.26.0, where they were current.
func TestGenAIKeysMatchOTelSemconv(t *testing.T) {
	for _, tc := range []struct {
		ours, theirs attribute.Key
	}{
		{EnduserIDKey, otel.EnduserIDKey},
		{GenAIAgentNameKey, otel.GenAIAgentNameKey},
		{GenAIProviderNameKey, otel.GenAIProviderNameKey},
		{GenAIInputMessagesKey, otel.GenAIInputMessagesKey},
		{GenAIOutputMessagesKey, otel.GenAIOutputMessagesKey},
		{GenAISystemKey, old.GenAiSystemKey},
		{GenAIUsagePromptTokensKey, old.GenAiUsagePromptTokensKey},
		{GenAIUsageCompletionTokensKey, old.GenAiUsageCompletionTokensKey},
		{GenAIPromptKey, old.GenAiPromptKey},
		{GenAICompletionKey, old.GenAiCompletionKey},
	} {
		t.Run(string(tc.ours), func(t *testing.T) {
			assert.Equal(t, tc.theirs, tc.ours)
		})
	}
}

func TestOperationValuesMatchOTelSemconv(t *testing.T) {
	for _, tc := range []struct {
		ours   string
		theirs attribute.KeyValue
	}{
		{GenAIOperationTextCompletion, otel.GenAIOperationNameTextCompletion},
		{GenAIOperationGenerateContent, otel.GenAIOperationNameGenerateContent},
		{GenAIOperationEmbeddings, otel.GenAIOperationNameEmbeddings},
		{GenAIOperationRetrieval, otel.GenAIOperationNameRetrieval},
		{GenAIOperationCreateAgent, otel.GenAIOperationNameCreateAgent},
		{GenAIOperationInvokeWorkflow, otel.GenAIOperationNameInvokeWorkflow},
	} {
		t.Run(tc.ours, func(t *testing.T) {
			assert.Equal(t, tc.theirs, semconv.OperationName(tc.ours))
		})
	}
}
