package openaihelper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func ptr(s string) param.Opt[string] { return openai.String(s) }

var weatherFunction = responses.ToolParamOfFunction("get_weather",
	map[string]any{"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}}, false)

func TestResponsesSpanAndTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ResponsesText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		r, err := client.Responses.New(ctx, responses.ResponseNewParams{
			Model: "gpt-4.1", Instructions: openai.String("You are a weather bot."),
			Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Weather in Paris?")},
		})
		require.NoError(t, err)
		assert.Equal(t, "Paris is rainy today.", r.OutputText())
	})
	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 1)
	a := genaitest.Attrs(spans[0])
	assert.Equal(t, "chat gpt-4.1", spans[0].Name())
	assert.Equal(t, "responses", a["openai.api.type"].AsString())
	assert.JSONEq(t, `[{"type":"text","content":"You are a weather bot."}]`, a["gen_ai.system_instructions"].AsString())
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`, a["gen_ai.input.messages"].AsString())
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"Paris is rainy today."}],"finish_reason":"stop"}]`, a["gen_ai.output.messages"].AsString())
	assert.Equal(t, int64(36), a["gen_ai.usage.input_tokens"].AsInt64())
	assert.Equal(t, int64(12), a["gen_ai.usage.cache_read.input_tokens"].AsInt64())
	assert.Equal(t, int64(64), a["gen_ai.usage.reasoning.output_tokens"].AsInt64())
	assert.Equal(t, "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b", a["gen_ai.response.id"].AsString())

	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{"user": "Weather in Paris?", "assistant": "Paris is rainy today.",
		"model": "gpt-4.1-2025-04-14", "prompt_tokens": json.Number("36"), "completion_tokens": json.Number("87"),
		"cached_tokens": json.Number("12"), "reasoning_tokens": json.Number("64")}, turns[0].Properties)
}

// The agent loop on the Responses API, streamed: function call, tool,
// answer.
func TestResponsesStreamAgentLoop(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: genaitest.ResponsesFunctionCallStream}, genaitest.Reply{Events: genaitest.ResponsesTextStream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris?", responses.EasyInputMessageRoleUser)}
		params := responses.ResponseNewParams{Model: "gpt-4.1", Tools: []responses.ToolUnionParam{weatherFunction},
			Input: responses.ResponseNewParamsInputUnion{OfInputItemList: input}}
		s := client.Responses.NewStreaming(ctx, params)
		var call responses.ResponseFunctionToolCall
		for s.Next() {
			if ev := s.Current(); ev.Type == "response.output_item.done" && ev.Item.Type == "function_call" {
				call = ev.Item.AsFunctionCall()
			}
		}
		require.NoError(t, s.Err())
		require.NoError(t, s.Close())
		require.Equal(t, "get_weather", call.Name)
		p.Tool(ctx, call.Name, call.CallID, call.Arguments, "rainy, 57°F")

		out := responses.ResponseInputItemParamOfFunctionCallOutput("rainy, 57°F")
		out.OfFunctionCallOutput.CallID = openai.String(call.CallID)
		params.Input.OfInputItemList = append(input, responses.ResponseInputItemParamOfFunctionCall(call.Arguments, call.CallID, call.Name), out)
		s = client.Responses.NewStreaming(ctx, params)
		for s.Next() {
		}
		require.NoError(t, s.Err())
		require.NoError(t, s.Close())
	})

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 2)
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_stream_1","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`,
		genaitest.Attrs(spans[0])["gen_ai.output.messages"].AsString())
	in := messages(t, genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString())
	require.Len(t, in, 3)
	assert.Equal(t, "tool", in[2]["role"])

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "Paris is rainy.", turns[0].Properties["assistant"])
	assert.Equal(t, json.Number("37"), turns[0].Properties["prompt_tokens"])
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, json.Number("57"), usage[0].Properties["prompt_tokens"])
}

// The agent loop on the Responses API, not streamed, the tool's output
// sent back as a function_call_output item: the call that asks for the
// tool is usage, the answer is the turn of the user's question, each
// counted once with its cached and reasoning tokens.
func TestResponsesFunctionCallRoundTrip(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ResponsesFunctionCall}, genaitest.Reply{Body: genaitest.ResponsesText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris?", responses.EasyInputMessageRoleUser)}
		params := responses.ResponseNewParams{Model: "gpt-4.1", Tools: []responses.ToolUnionParam{weatherFunction},
			Input: responses.ResponseNewParamsInputUnion{OfInputItemList: input}}
		r, err := client.Responses.New(ctx, params)
		require.NoError(t, err)
		require.Len(t, r.Output, 1)
		call := r.Output[0].AsFunctionCall()
		p.Tool(ctx, call.Name, call.CallID, call.Arguments, "rainy, 57°F")
		out := responses.ResponseInputItemParamOfFunctionCallOutput("rainy, 57°F")
		out.OfFunctionCallOutput.CallID = openai.String(call.CallID)
		params.Input.OfInputItemList = append(input, responses.ResponseInputItemParamOfFunctionCall(call.Arguments, call.CallID, call.Name), out)
		r, err = client.Responses.New(ctx, params)
		require.NoError(t, err)
		assert.Equal(t, "Paris is rainy today.", r.OutputText())
	})

	spans := p.ModelSpans(openaihelper.ScopeName)
	require.Len(t, spans, 2)
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
		{"role":"assistant","parts":[{"type":"tool_call","id":"call_unLAR8MvFNptuiZK6K6HCy5k","name":"get_weather","arguments":{"location":"Paris"}}]},
		{"role":"tool","parts":[{"type":"tool_call_response","id":"call_unLAR8MvFNptuiZK6K6HCy5k","response":"rainy, 57°F"}]}]`,
		genaitest.Attrs(spans[1])["gen_ai.input.messages"].AsString())

	events := p.Events(t)
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 1)
	assert.Equal(t, mindlytics.Properties{"model": "gpt-4.1-2025-04-14", "prompt_tokens": json.Number("291"), "completion_tokens": json.Number("23")},
		usage[0].Properties)
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1)
	assert.Equal(t, "get_weather", fns[0].Properties["name"])
	assert.Equal(t, `{"location":"Paris"}`, fns[0].Properties["args"])
	assert.Equal(t, "rainy, 57°F", fns[0].Properties["result"])
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{"user": "Weather in Paris?", "assistant": "Paris is rainy today.",
		"model": "gpt-4.1-2025-04-14", "prompt_tokens": json.Number("36"), "completion_tokens": json.Number("87"),
		"cached_tokens": json.Number("12"), "reasoning_tokens": json.Number("64")}, turns[0].Properties)
}

// A streamed Responses call reports its usage, cached and reasoning tokens
// included, in response.completed.
func TestResponsesStreamUsageDetails(t *testing.T) {
	stream := append([]string(nil), genaitest.ResponsesTextStream...)
	last := len(stream) - 1
	stream[last] = strings.Replace(stream[last], `"input_tokens_details":{"cached_tokens":0}`, `"input_tokens_details":{"cached_tokens":20}`, 1)
	stream[last] = strings.Replace(stream[last], `"output_tokens_details":{"reasoning_tokens":0}`, `"output_tokens_details":{"reasoning_tokens":5}`, 1)
	require.NotEqual(t, genaitest.ResponsesTextStream[last], stream[last])
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: stream})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	var text string
	p.Turn(context.Background(), func(ctx context.Context) {
		s := client.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: "gpt-4.1",
			Input: responses.ResponseNewParamsInputUnion{OfString: ptr("Weather in Paris?")}})
		for s.Next() {
			if ev := s.Current(); ev.Type == "response.output_text.delta" {
				text += ev.Delta
			}
		}
		require.NoError(t, s.Err())
		require.NoError(t, s.Close())
	})
	assert.Equal(t, "Paris is rainy.", text)
	turns := genaitest.Named(p.Events(t), mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, mindlytics.Properties{"user": "Weather in Paris?", "assistant": "Paris is rainy.",
		"model": "gpt-4.1-2025-04-14", "prompt_tokens": json.Number("37"), "completion_tokens": json.Number("11"),
		"cached_tokens": json.Number("20"), "reasoning_tokens": json.Number("5")}, turns[0].Properties)
}

// A call that continues a thread the service keeps (previous_response_id)
// sends only the function's output; its answer is the turn of the
// question the thread's first call asked (the translation's thread rule).
func TestResponsesPreviousResponseIDMakesOneTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ResponsesFunctionCall}, genaitest.Reply{Body: genaitest.ResponsesText})
	p := genaitest.NewPipeline(t)
	client := newClient(fake, p, nil)

	p.Turn(context.Background(), func(ctx context.Context) {
		input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris?", responses.EasyInputMessageRoleUser)}
		r, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4.1", Tools: []responses.ToolUnionParam{weatherFunction},
			Input: responses.ResponseNewParamsInputUnion{OfInputItemList: input}})
		require.NoError(t, err)
		call := r.Output[0].AsFunctionCall()
		out := responses.ResponseInputItemParamOfFunctionCallOutput("rainy, 57°F")
		out.OfFunctionCallOutput.CallID = openai.String(call.CallID)
		_, err = client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4.1", PreviousResponseID: openai.String(r.ID),
			Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{out}}})
		require.NoError(t, err)
	})

	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1)
	assert.Equal(t, "Weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "Paris is rainy today.", turns[0].Properties["assistant"])
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 1, "the first call's tokens")
}
