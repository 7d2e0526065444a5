// Command appcheck is the README's in-process snippet as an app of its own,
// with its own module graph: `make app-deps` tidies it and fails when the
// collector or pdata reaches that graph. It never runs against a service;
// it is only built.
package main

import (
	"context"
	"log"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

func main() {
	ctx := context.Background()
	exp, err := exporter.New(ctx) // MLSDK_API_KEY, MLSDK_PROJECT_ID from the environment
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = tp.Shutdown(ctx) // ends open conversations and sessions, delivers what is queued
	}()

	_, span := tp.Tracer("chatbot").Start(ctx, semconv.ChatSpanName("gpt-4o"), trace.WithAttributes(
		semconv.SessionID("session-1"), semconv.UserID("user-1"),
		semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("Hi!"), semconv.TurnAssistant("Hello!"),
	))
	span.End()
}
