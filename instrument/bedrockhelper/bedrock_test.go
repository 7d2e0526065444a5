package bedrockhelper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/instrument/bedrockhelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func wantTurn() mindlytics.Properties {
	return mindlytics.Properties{
		"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F.",
		"model": modelID, "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
		"cached_tokens": json.Number("62"),
	}
}

func TestConverseSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.BedrockText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		out, err := client.Converse(ctx, converseInput(userText("What's the weather in Paris?")))
		require.NoError(t, err)
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", out.Output.(*types.ConverseOutputMemberMessage).Value.Content[0].(*types.ContentBlockMemberText).Value)
	})
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, "chat "+modelID, spans[0].Name())
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "aws.bedrock", a["gen_ai.provider.name"].AsString())
	assert.Equal(t, 0.5, a["gen_ai.request.temperature"].AsFloat64())
	assert.Equal(t, int64(512), a["gen_ai.request.max_tokens"].AsInt64())
	assert.Equal(t, int64(82), a["gen_ai.usage.input_tokens"].AsInt64(), "cache reads included")
	assert.Equal(t, int64(62), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, []string{"stop"}, a["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, wantTurn(), turns[0].Properties)
}

// ConverseStream: the caller reads every event, and the span has the
// whole answer and the metadata event's usage.
func TestConverseStreamMakesOneTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.BedrockTextStream, ContentType: genaitest.BedrockEventStream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		in := converseInput(userText("What's the weather in Paris?"))
		out, err := client.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{ModelId: in.ModelId, Messages: in.Messages,
			System: in.System, InferenceConfig: in.InferenceConfig, ToolConfig: in.ToolConfig})
		require.NoError(t, err)
		stream := out.GetStream()
		var text strings.Builder
		var usage *types.TokenUsage
		for ev := range stream.Events() {
			switch e := ev.(type) {
			case *types.ConverseStreamOutputMemberContentBlockDelta:
				text.WriteString(e.Value.Delta.(*types.ContentBlockDeltaMemberText).Value)
			case *types.ConverseStreamOutputMemberMetadata:
				usage = e.Value.Usage
			}
		}
		require.NoError(t, stream.Close())
		assert.Equal(t, "The weather in Paris is rainy, 57°F.", text.String())
		require.NotNil(t, usage)
		assert.Equal(t, int32(62), aws.ToInt32(usage.CacheReadInputTokens), "the caller decodes what the service sent")
	})
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.True(t, a["gen_ai.request.stream"].AsBool())
	assert.Equal(t, codes.Unset, spans[0].Status().Code)
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, wantTurn(), turns[0].Properties)
}

// A stream closed before its end ends its span, cancelled: no turn.
func TestAbandonedStreamEndsItsSpan(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.BedrockTextStream[:2], ContentType: genaitest.BedrockEventStream, Hang: true})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		out, err := client.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{ModelId: aws.String(modelID),
			Messages: []types.Message{userText("Weather?")}})
		require.NoError(t, err)
		stream := out.GetStream()
		<-stream.Events()
		_ = stream.Close()
	})
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "cancelled", genaitest.Attrs(spans[0])["error.type"].AsString())
	assert.Empty(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn))
}

// Throttled twice, then answered: the SDK's three attempts are one span,
// a turn.
func TestRetriesAreOneCall(t *testing.T) {
	fake := genaitest.NewServer(t)
	throttled := genaitest.Reply{Status: 429, Body: genaitest.BedrockThrottled}
	fake.Push(throttled, throttled, genaitest.Reply{Body: genaitest.BedrockText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Converse(ctx, converseInput(userText("What's the weather in Paris?")))
		require.NoError(t, err)
	})
	require.Len(t, fake.Requests(), 3)
	assert.Equal(t, 1, startedSpans(p), "one span for the three attempts")
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Unset, spans[0].Status().Code)
	assert.Len(t, genaitest.Named(p.Events(t), mindlytics.EventConversationTurn), 1)
}

// Throttled until the SDK gives up: one span, failed with the service's
// error code, its usage none.
func TestFailedCallEndsWithItsErrorCode(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Always(genaitest.Reply{Status: 429, Body: genaitest.BedrockThrottled,
		Header: map[string][]string{"X-Amzn-Errortype": {"ThrottlingException"}}})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	_, err := client.Converse(context.Background(), converseInput(userText("hi")))
	require.Error(t, err)
	assert.Equal(t, 1, startedSpans(p))
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "ThrottlingException", genaitest.Attrs(spans[0])["error.type"].AsString())
	assert.NotContains(t, spans[0].Status().Description, "bedrock-test-secret")
}

// The agent loop with Converse's tool use: one turn, one function, one
// usage.
func TestAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.BedrockToolUse}, genaitest.Reply{Body: genaitest.BedrockText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		history := []types.Message{userText("What's the weather in Paris?")}
		out, err := client.Converse(ctx, converseInput(history...))
		require.NoError(t, err)
		reply := out.Output.(*types.ConverseOutputMemberMessage).Value
		use := reply.Content[0].(*types.ContentBlockMemberToolUse).Value
		args, err := use.Input.MarshalSmithyDocument()
		require.NoError(t, err)
		p.Tool(ctx, aws.ToString(use.Name), aws.ToString(use.ToolUseId), string(args), "rainy, 57°F")
		history = append(history, reply, types.Message{Role: types.ConversationRoleUser, Content: []types.ContentBlock{
			&types.ContentBlockMemberToolResult{Value: types.ToolResultBlock{ToolUseId: use.ToolUseId,
				Content: []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberText{Value: "rainy, 57°F"}}}}}})
		_, err = client.Converse(ctx, converseInput(history...))
		require.NoError(t, err)
	})
	spans := p.ModelSpans(bedrockhelper.ScopeName)
	require.Len(t, spans, 2)
	assert.Equal(t, []string{"tool_call"}, genaitest.Attrs(spans[0])["gen_ai.response.finish_reasons"].AsStringSlice())
	assert.Contains(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString(), `"role":"tool"`)
	events := p.Events(t)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationTurn), 1)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
	assert.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 1)
}

// InvokeModel with Anthropic's body: read as a Messages call.
func TestInvokeModelAnthropicBody(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.BedrockInvokeText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":512,"system":"You are a weather bot.",
"messages":[{"role":"user","content":"What's the weather in Paris?"}]}`
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.InvokeModel(ctx, &bedrockruntime.InvokeModelInput{ModelId: aws.String(modelID),
			ContentType: aws.String("application/json"), Body: []byte(body)})
		require.NoError(t, err)
	})
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	want := wantTurn()
	want["model"] = "claude-sonnet-4-5-20250929"
	assert.Equal(t, want, turns[0].Properties)
}

// InvokeModel with another family's body: the model and the counts of the
// answer's headers, a usage event.
func TestInvokeModelOtherBodyUsesHeaderCounts(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: `{"generation":"Rainy.","stop_reason":"stop"}`, Header: map[string][]string{
		"X-Amzn-Bedrock-Input-Token-Count": {"40"}, "X-Amzn-Bedrock-Output-Token-Count": {"3"}}})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p)
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.InvokeModel(ctx, &bedrockruntime.InvokeModelInput{ModelId: aws.String("meta.llama3-8b-instruct-v1:0"),
			Body: []byte(`{"prompt":"Weather in Paris?","max_gen_len":64}`)})
		require.NoError(t, err)
	})
	usage := genaitest.Named(p.Events(t), mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("40"), usage[0].Properties["prompt_tokens"])
	assert.Equal(t, json.Number("3"), usage[0].Properties["completion_tokens"])
}

func TestContentOff(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.BedrockText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, bedrockhelper.WithCaptureContent(false))
	p.Turn(context.Background(), func(ctx context.Context) {
		_, err := client.Converse(ctx, converseInput(userText("What's the weather in Paris?")))
		require.NoError(t, err)
	})
	p.AssertContentOff(t, bedrockhelper.ScopeName)
}

func startedSpans(p *genaitest.Pipeline) int {
	n := 0
	for _, s := range p.Recorder.Started() {
		if s.InstrumentationScope().Name == bedrockhelper.ScopeName {
			n++
		}
	}
	return n
}
