package exporter_test

import (
	"context"
	"fmt"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// Register the exporter on a TracerProvider; spans carrying our conventions
// (or the OTel GenAI, OpenLLMetry and OpenInference ones) become Mindlytics
// events. Here a local server stands in for the service.
func Example() {
	srv := mindlyticstest.NewServer()
	defer srv.Close()

	ctx := context.Background()
	exp, err := exporter.New(ctx,
		exporter.WithServerBase(srv.URL), // omit these three to use MLSDK_SERVER_BASE,
		exporter.WithAPIKey(srv.APIKey),  // MLSDK_API_KEY and MLSDK_PROJECT_ID
		exporter.WithProjectID(srv.ProjectID),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("my-chatbot")

	_, span := tracer.Start(ctx, semconv.ChatSpanName("gpt-4o"), trace.WithAttributes(
		semconv.SessionID("session-1"), semconv.UserID("user-1"), semconv.ConversationID("conv-1"),
		semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("Hi!"), semconv.TurnAssistant("Hello, how can I help?"),
		semconv.RequestModel("gpt-4o"), semconv.InputTokens(12), semconv.OutputTokens(7),
	))
	span.End()

	shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(shutdownCtx); err != nil { // delivers everything queued
		fmt.Println(err)
		return
	}
	for _, ev := range srv.SessionEvents("session-1") {
		fmt.Println(ev.Kind())
	}
	// Output:
	// start_session
	// track:Conversation Started
	// track:Conversation Turn
	// track:Conversation Ended
	// end_session
}
