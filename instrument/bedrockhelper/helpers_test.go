package bedrockhelper_test

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/mindlytics/mindlytics-otel/instrument/bedrockhelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

const modelID = "anthropic.claude-sonnet-4-5-20250929-v1:0"

// newClient is a Bedrock client of the fake server, traced into p (nil:
// not traced); its retries wait at most 5 ms.
func newClient(fake *genaitest.Server, p *genaitest.Pipeline, opts ...bedrockhelper.Option) *bedrockruntime.Client {
	cfg := aws.Config{
		Region: "us-east-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "bedrock-test-secret"}, nil
		}),
		Retryer: func() aws.Retryer {
			return retry.AddWithMaxBackoffDelay(retry.NewStandard(), 5*time.Millisecond)
		},
	}
	optFns := []func(*bedrockruntime.Options){func(o *bedrockruntime.Options) { o.BaseEndpoint = aws.String(fake.URL) }}
	if p != nil {
		optFns = append(optFns, bedrockhelper.Instrument(append([]bedrockhelper.Option{bedrockhelper.WithTracerProvider(p.TP)}, opts...)...))
	}
	return bedrockruntime.NewFromConfig(cfg, optFns...)
}

func userText(s string) types.Message {
	return types.Message{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: s}}}
}

var weatherTool = &types.ToolConfiguration{Tools: []types.Tool{&types.ToolMemberToolSpec{Value: types.ToolSpecification{
	Name: aws.String("get_weather"), Description: aws.String("Get the weather of a city"),
	InputSchema: &types.ToolInputSchemaMemberJson{Value: document.NewLazyDocument(map[string]any{
		"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}})},
}}}}

func converseInput(msgs ...types.Message) *bedrockruntime.ConverseInput {
	return &bedrockruntime.ConverseInput{
		ModelId:         aws.String(modelID),
		Messages:        msgs,
		System:          []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: "You are a weather bot."}},
		InferenceConfig: &types.InferenceConfiguration{Temperature: aws.Float32(0.5), MaxTokens: aws.Int32(512)},
		ToolConfig:      weatherTool,
	}
}
