// Command bedrock shows the Bedrock helper: a weather agent on Converse
// whose model calls and tool call, inside one started turn, become one
// Mindlytics turn with the calls' usage and one function event. It runs
// offline against a fake Bedrock endpoint and a local Mindlytics, or the
// one MLSDK_* names.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/mindlytics/mindlytics-otel/examples/internal/local"
	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/bedrockhelper"
)

func main() {
	opts, stop := local.Options(os.Stdout)
	defer stop()
	if err := run(context.Background(), os.Stdout, opts...); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, opts ...instrument.Option) error {
	provider := fakeBedrock()
	defer provider.Close()
	mindlytics, err := instrument.New(ctx, opts...)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = mindlytics.Shutdown(ctx)
	}()

	// In an app: cfg, err := config.LoadDefaultConfig(ctx). Here, fake
	// credentials for the fake endpoint.
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "example-secret"}, nil
	})}
	client := bedrockruntime.NewFromConfig(cfg,
		func(o *bedrockruntime.Options) { o.BaseEndpoint = aws.String(provider.URL) },
		bedrockhelper.Instrument(bedrockhelper.WithTracerProvider(mindlytics.TracerProvider())), // the helper's one line
	)

	ctx, session, err := mindlytics.StartSession(ctx, instrument.SessionConfig{ID: "bedrock-session", UserID: "user-1"})
	if err != nil {
		return err
	}
	question := "What's the weather in Paris?"
	ctx, turn, err := session.StartTurn(ctx, question)
	if err != nil {
		return err
	}
	answer, err := agent(ctx, client, session, question)
	if err != nil {
		return err
	}
	if err := turn.End(instrument.Turn{Assistant: answer}); err != nil {
		return err
	}
	if err := session.End(ctx); err != nil {
		return err
	}
	if err := mindlytics.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "user: %s\nassistant: %s\nsession %s sent; errors: %v\n", question, answer, session.ID(), session.Errors())
	return nil
}

// agent asks the model, runs the tool it asks for, and asks again.
func agent(ctx context.Context, client *bedrockruntime.Client, session *instrument.Session, question string) (string, error) {
	history := []types.Message{{Role: types.ConversationRoleUser, Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: question}}}}
	for range 3 {
		res, err := client.Converse(ctx, &bedrockruntime.ConverseInput{ModelId: aws.String("anthropic.claude-sonnet-4-5-20250929-v1:0"), Messages: history})
		if err != nil {
			return "", err
		}
		reply := res.Output.(*types.ConverseOutputMemberMessage).Value
		if res.StopReason != types.StopReasonToolUse {
			return reply.Content[0].(*types.ContentBlockMemberText).Value, nil
		}
		history = append(history, reply)
		var results []types.ContentBlock
		for _, block := range reply.Content {
			use, ok := block.(*types.ContentBlockMemberToolUse)
			if !ok {
				continue
			}
			args, _ := use.Value.Input.MarshalSmithyDocument()
			_, fn, err := session.StartFunction(ctx, aws.ToString(use.Value.Name), string(args))
			if err != nil {
				return "", err
			}
			result := "rainy, 14°C"
			fn.End(result, nil)
			results = append(results, &types.ContentBlockMemberToolResult{Value: types.ToolResultBlock{ToolUseId: use.Value.ToolUseId,
				Content: []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberText{Value: result}}}})
		}
		history = append(history, types.Message{Role: types.ConversationRoleUser, Content: results})
	}
	return "", fmt.Errorf("no answer after 3 calls")
}
