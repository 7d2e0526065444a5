// Command userapp is an outside user's app: it imports package instrument
// and one helper, and its module gets them from a proxy at the release's
// version, with no replace. The release check only builds it.
package main

import (
	"context"
	"log"

	"github.com/openai/openai-go/v3"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/instrument/openaihelper"
)

func main() {
	ctx := context.Background()
	ml, err := instrument.New(ctx) // MLSDK_API_KEY, MLSDK_PROJECT_ID from the environment
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = ml.Shutdown(ctx) }()
	client := openai.NewClient(openaihelper.RequestOption(openaihelper.WithTracerProvider(ml.TracerProvider())))
	_ = client
}
