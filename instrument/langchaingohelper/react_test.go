package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/tools"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// A ReAct agent (langchaingo's one-shot agent) prompts with its template,
// the question inside it and the scratchpad of earlier steps, and every
// step answers in text. The run is still one turn: the user's question and
// the agent's final answer, with the tool as a function and each model
// call's tokens counted once, as usage.
func TestReActAgentIsOneTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Events: textStream("I should look up the weather.\nAction: get_weather\nAction Input: Paris", 200, 20)},
		genaitest.Reply{Events: textStream("I now know the final answer.\nFinal Answer: Rainy, 14°C.", 240, 15)})
	p := genaitest.NewPipeline(t)
	h := newHandler(p, langchaingohelper.WithAgentName("weather-agent"))
	var answer string
	p.Turn(context.Background(), func(ctx context.Context) {
		llm := newLLM(t, fake, h, nil)
		agent := agents.NewOneShotAgent(llm, []tools.Tool{weather{h: h}}, agents.WithCallbacksHandler(h))
		exec := agents.NewExecutor(agent, agents.WithCallbacksHandler(h), agents.WithMaxIterations(3))
		var err error
		answer, err = chains.Run(ctx, exec, "What's the weather in Paris?")
		require.NoError(t, err)
	})
	assert.Equal(t, "Rainy, 14°C.", answer)
	require.Len(t, fake.Requests(), 2)
	assert.Contains(t, fake.Requests()[1].Body, "Observation: rainy, 14°C", "the second step's prompt holds the scratchpad")
	events := p.Events(t)
	assert.True(t, h.Idle())

	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1, "%+v", events)
	assert.Equal(t, "What's the weather in Paris?", turns[0].Properties["user"])
	assert.Equal(t, "Rainy, 14°C.", turns[0].Properties["assistant"])
	assert.NotContains(t, turns[0].Properties, "prompt_tokens", "the calls count as usage, once")
	fns := genaitest.Named(events, mindlytics.EventConversationFunction)
	require.Len(t, fns, 1)
	assert.Equal(t, "Paris", fns[0].Properties["args"])
	assert.Equal(t, "rainy, 14°C", fns[0].Properties["result"])
	usage := genaitest.Named(events, mindlytics.EventConversationUsage)
	require.Len(t, usage, 2, "%+v", events)
	assert.Equal(t, mindlytics.Properties{"model": "gpt-4o", "prompt_tokens": json.Number("200"), "completion_tokens": json.Number("20")}, usage[0].Properties)
	assert.Equal(t, mindlytics.Properties{"model": "gpt-4o", "prompt_tokens": json.Number("240"), "completion_tokens": json.Number("15")}, usage[1].Properties)
	t.Logf("%+v", turns[0].Properties)
}

// Inside a turn of the app's (here a span with mindlytics.event=turn, as
// package instrument makes), the app's turn is the turn: the executor's
// run makes none, its calls are usage.
func TestAgentInsideAppTurn(t *testing.T) {
	fake := genaitest.NewServer(t)
	fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
	p := genaitest.NewPipeline(t)
	h := newHandler(p)
	p.Turn(context.Background(), func(ctx context.Context) {
		ctx, span := p.TP.Tracer("app").Start(ctx, "turn", trace.WithAttributes(sc.MindlyticsEvent(sc.EventTurn)))
		_, err := runAgent(t, h, h, fake, nil, weather{h: h}, ctx)
		require.NoError(t, err)
		span.SetAttributes(attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Hi, Paris?"}]}]`),
			attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Rainy."}]}]`))
		span.End()
	})
	events := p.Events(t)
	turns := genaitest.Named(events, mindlytics.EventConversationTurn)
	require.Len(t, turns, 1, "%+v", events)
	assert.Equal(t, "Hi, Paris?", turns[0].Properties["user"])
	require.Len(t, genaitest.Named(events, mindlytics.EventConversationUsage), 2, "%+v", events)
}
