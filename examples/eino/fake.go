package main

import (
	"context"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"
)

// fakeModel stands in for a chat model implementation (eino-ext's openai,
// ark, claude…) so that the example runs offline: it asks for the weather
// tool until the conversation carries the tool's result, then answers.
type fakeModel struct{}

func (fakeModel) Generate(_ context.Context, in []*schema.Message, _ ...model.Option) (*schema.Message, error) {
	for _, m := range in {
		if m.Role == schema.Tool {
			return &schema.Message{Role: schema.Assistant, Content: "It is rainy in Paris, 14°C.", ResponseMeta: &schema.ResponseMeta{
				FinishReason: "stop", Usage: &schema.TokenUsage{PromptTokens: 82, CompletionTokens: 9,
					PromptTokenDetails: schema.PromptTokenDetails{CachedTokens: 62}}}}, nil
		}
	}
	return &schema.Message{Role: schema.Assistant, ToolCalls: []schema.ToolCall{{ID: "call_1", Type: "function",
		Function: schema.FunctionCall{Name: "get_weather", Arguments: `{"location":"Paris"}`}}},
		ResponseMeta: &schema.ResponseMeta{FinishReason: "tool_calls", Usage: &schema.TokenUsage{PromptTokens: 60, CompletionTokens: 8}}}, nil
}

func (f fakeModel) Stream(ctx context.Context, in []*schema.Message, opts ...model.Option) (*schema.StreamReader[*schema.Message], error) {
	m, err := f.Generate(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	return schema.StreamReaderFromArray([]*schema.Message{m}), nil
}

func (f fakeModel) WithTools([]*schema.ToolInfo) (model.ToolCallingChatModel, error) { return f, nil }
