package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/mindlytics/mindlytics-otel/instrument"
	openaihelper "github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
)

// script is what the demo's user says, turn by turn.
var script = []string{
	"Where is my order #1234?",
	"Can I still change the delivery address?",
	"Thanks, that's all!",
}

// tally is what the chatbot did, as the app sees it.
type tally struct {
	Turns, Functions int
	Tokens           int64
}

// chatbot runs the scripted session through package instrument: the
// openai-go client carries our helper, so each model call is a GenAI span
// of the session (a turn when it answers, usage when it asks for the
// tool), and the tool runs inside session.StartFunction. The first answer
// is streamed. After each turn it flushes, so the page shows it at once.
func chatbot(ctx context.Context, w io.Writer, ml *instrument.Client, llmURL, sessionID string) (tally, error) {
	var t tally
	llm := openai.NewClient(option.WithBaseURL(llmURL), option.WithAPIKey("sk-demo"),
		openaihelper.RequestOption(openaihelper.WithTracerProvider(ml.TracerProvider())))

	ctx, session, err := ml.StartSession(ctx, instrument.SessionConfig{
		ID: sessionID, UserID: "user-42", ConversationID: sessionID + "-support",
		Attributes: instrument.Properties{"plan": "pro", "channel": "web"},
	})
	if err != nil {
		return t, err
	}
	if err := session.Identify(ctx, instrument.User{ID: "user-42", Traits: instrument.Properties{"email": "ada@example.com", "beta": true}}); err != nil {
		return t, err
	}
	messages := []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("You are the support bot of a shop.")}
	for i, question := range script {
		fmt.Fprintf(w, "  user:      %s\n", question)
		messages = append(messages, openai.UserMessage(question))
		answer, err := ask(ctx, llm, session, &messages, i == 0, &t)
		if err != nil {
			return t, err
		}
		fmt.Fprintf(w, "  assistant: %s\n", answer)
		t.Turns++
		if i == 0 {
			if err := session.Track(ctx, "Order Status Checked", instrument.WithProperties(instrument.Properties{"order": "1234"})); err != nil {
				return t, err
			}
		}
		if err := ml.Flush(ctx); err != nil {
			return t, err
		}
	}
	return t, session.End(ctx)
}

// ask calls the model until it answers, running the tool it asks for.
func ask(ctx context.Context, llm openai.Client, session *instrument.Session, messages *[]openai.ChatCompletionMessageParamUnion, streamAnswer bool, t *tally) (string, error) {
	params := openai.ChatCompletionNewParams{
		Model: "gpt-4o",
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name: "lookup_order", Description: openai.String("Looks an order up by number"),
			Parameters: shared.FunctionParameters{"type": "object", "properties": map[string]any{"order": map[string]any{"type": "string"}}}})},
	}
	ranTool := false
	for range 3 {
		params.Messages = *messages
		// The answer after the tool's result is the one streamed.
		msg, usage, err := complete(ctx, llm, params, streamAnswer && ranTool)
		if err != nil {
			return "", err
		}
		t.Tokens += usage
		*messages = append(*messages, msg.ToParam())
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		for _, call := range msg.ToolCalls {
			_, fn, err := session.StartFunction(ctx, call.Function.Name, call.Function.Arguments)
			if err != nil {
				return "", err
			}
			time.Sleep(25 * time.Millisecond) // the "database"
			result := `{"order":"1234","status":"shipped","eta":"Friday"}`
			if err := fn.End(result, nil); err != nil {
				return "", err
			}
			t.Functions++
			ranTool = true
			*messages = append(*messages, openai.ToolMessage(result, call.ID))
		}
	}
	return "", fmt.Errorf("no answer after 3 model calls")
}

// complete makes one call, streamed or not, and returns the message and
// its total tokens.
func complete(ctx context.Context, llm openai.Client, params openai.ChatCompletionNewParams, stream bool) (openai.ChatCompletionMessage, int64, error) {
	if !stream {
		c, err := llm.Chat.Completions.New(ctx, params)
		if err != nil {
			return openai.ChatCompletionMessage{}, 0, err
		}
		return c.Choices[0].Message, c.Usage.TotalTokens, nil
	}
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	s := llm.Chat.Completions.NewStreaming(ctx, params)
	acc := openai.ChatCompletionAccumulator{}
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		return openai.ChatCompletionMessage{}, 0, err
	}
	_ = s.Close()
	if len(acc.Choices) == 0 {
		return openai.ChatCompletionMessage{}, 0, fmt.Errorf("an empty stream")
	}
	return acc.Choices[0].Message, acc.Usage.TotalTokens, nil
}
