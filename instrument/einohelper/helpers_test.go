package einohelper_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/components/tool/utils"
	"github.com/cloudwego/eino/schema"
)

// fakeModel is a tool-calling chat model that answers from a script, one
// reply per call, with usage as OpenAI-style models report it in the
// message's response meta (the graph's callbacks carry it).
type fakeModel struct {
	mu      sync.Mutex
	replies []*schema.Message
	// always, when set, answers every call after the script.
	always *schema.Message
	// stream, when set, is what Stream returns instead of the next reply.
	stream func() *schema.StreamReader[*schema.Message]
}

func (m *fakeModel) Generate(context.Context, []*schema.Message, ...model.Option) (*schema.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.replies) == 0 {
		if m.always != nil {
			return m.always, nil
		}
		return nil, fmt.Errorf("fake model: no reply scripted")
	}
	r := m.replies[0]
	m.replies = m.replies[1:]
	return r, nil
}

func (m *fakeModel) Stream(ctx context.Context, in []*schema.Message, opts ...model.Option) (*schema.StreamReader[*schema.Message], error) {
	if m.stream != nil {
		return m.stream(), nil
	}
	r, err := m.Generate(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	return schema.StreamReaderFromArray([]*schema.Message{r}), nil
}

func (m *fakeModel) WithTools([]*schema.ToolInfo) (model.ToolCallingChatModel, error) { return m, nil }

func usage(prompt, cached, completion, reasoning int) *schema.ResponseMeta {
	return &schema.ResponseMeta{FinishReason: "stop", Usage: &schema.TokenUsage{
		PromptTokens: prompt, PromptTokenDetails: schema.PromptTokenDetails{CachedTokens: cached},
		CompletionTokens: completion, CompletionTokensDetails: schema.CompletionTokensDetails{ReasoningTokens: reasoning},
	}}
}

func toolCallReply() *schema.Message {
	meta := usage(60, 0, 8, 0)
	meta.FinishReason = "tool_calls"
	return &schema.Message{Role: schema.Assistant, ResponseMeta: meta, ToolCalls: []schema.ToolCall{{
		ID: "call_1", Type: "function", Function: schema.FunctionCall{Name: "get_weather", Arguments: `{"location":"Paris"}`}}}}
}

func answerReply() *schema.Message {
	return &schema.Message{Role: schema.Assistant, Content: "The weather in Paris is rainy, 57°F.", ResponseMeta: usage(82, 16, 17, 5)}
}

type weatherIn struct {
	Location string `json:"location"`
}

func weatherTool() tool.InvokableTool {
	t, err := utils.InferTool("get_weather", "Get the weather of a city", func(_ context.Context, in weatherIn) (string, error) {
		return "rainy in " + in.Location + ", 57°F", nil
	})
	if err != nil {
		panic(err)
	}
	return t
}
